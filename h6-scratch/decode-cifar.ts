import { cifar10Plugin } from '../plugins/datasets/cifar10.js';
import { createAjv } from '../src/registry/ajv.js';
import { ConsoleLogger } from '../src/services/logger.js';
const o: any = {}; createAjv().compile(cifar10Plugin.optionsSchema)(o);
const ctx: any = { seed: 1, logger: new ConsoleLogger('debug'), paths: { dataDir: '/work/shared/data', cacheDir: '/work/main/.releq-cache' } };
const t = performance.now();
const d = await (cifar10Plugin.create(o, ctx) as any).load();
console.log('s', (performance.now() - t) / 1000, d.train.count, d.validation.count, d.test.count, d.mean, d.std, Array.from(d.train.labels.slice(0, 20)));
