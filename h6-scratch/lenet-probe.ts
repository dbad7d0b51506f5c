import { readFileSync } from 'node:fs';
import { finetunePlugin } from '../plugins/evaluators/finetune.js';
import { lenetPlugin } from '../plugins/networks/lenet.js';
import { wrpnPlugin } from '../plugins/quantizers/wrpn.js';
import { dorefaPlugin } from '../plugins/quantizers/dorefa.js';
import { mnistPlugin } from '../plugins/datasets/mnist.js';
import { createAjv } from '../src/registry/ajv.js';
import { ConsoleLogger } from '../src/services/logger.js';
import { Rng } from '../src/services/rng.js';
import { initBackend } from '../src/backend/index.js';
import type { Evaluator } from '../src/registry/contracts/index.js';

const fill = (schema: object, o: Record<string, unknown>): any => { createAjv().compile(schema)(o); return o; };
const logger = new ConsoleLogger('info');
const instances: any = {};
const ctx: any = {
  seed: 1, rng: (s: string) => Rng.stream(1, s), logger,
  paths: { configDir: '.', dataDir: '/work/shared/data', cacheDir: '/work/main/.releq-cache', runDir: '/tmp' },
  resolvePath: (p: string) => p, backend: () => initBackend('wasm', { threads: Number(process.env.T ?? 1) }),
  use: async (k: string) => instances[k], signal: new AbortController().signal,
};
instances.network = await lenetPlugin.create(fill(lenetPlugin.optionsSchema, {}), ctx);
instances.dataset = await mnistPlugin.create(fill(mnistPlugin.optionsSchema, {}), ctx);
const qp: any = process.env.Q === 'dorefa' ? dorefaPlugin : wrpnPlugin;
instances.quantizer = await qp.create(fill(qp.optionsSchema, {}), ctx);
const opts = fill(finetunePlugin.optionsSchema, JSON.parse(process.env.OPTS ?? '{}'));
console.log(JSON.stringify(opts));
const ev = await finetunePlugin.create(opts, ctx) as Evaluator;
let t = performance.now();
const p = await ev.prepare();
console.log('prepare s', ((performance.now() - t) / 1000).toFixed(1), 'fp', p.fullPrecisionAccuracy, p.layers.map((l) => `${l.name}:${l.weightStd.toFixed(3)}`).join(' '));
const land = JSON.parse(readFileSync('/work/shared/data/landscapes/lenet-mnist.json', 'utf8'));
const rec = new Map<string, number>(land.entries.map((e: any) => [e.bits.join(','), e.accuracy]));
console.log('landscape fp', land.fullPrecisionAccuracy, land.accuracy);
const list = [[8, 8, 8, 8], [2, 2, 2, 2], [3, 3, 3, 3], [4, 4, 4, 4], [5, 5, 5, 5], [2, 8, 8, 8], [8, 2, 8, 8], [8, 8, 2, 8], [8, 8, 8, 2], [2, 3, 4, 5], [5, 4, 3, 2], [3, 2, 2, 3]];
for (const bits of list.slice(0, Number(process.env.N ?? 12))) {
  t = performance.now();
  const e = await ev.evaluate(bits);
  console.log(bits.join(','), 'ours', e.accuracy.toFixed(4), 'recorded', rec.get(bits.join(',')), 's', ((performance.now() - t) / 1000).toFixed(1));
}
console.log(JSON.stringify(ev.stats()));
if (process.env.FINAL) console.log(JSON.stringify(await ev.finalize!([3, 2, 2, 3])));
await ev.dispose();
