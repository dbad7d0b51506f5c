// Slow (kept out of npm test): the pretrained MobileNet-V1 0.75 weights, loaded through the
// mobilenet plugin, scored on the ImageNet validation sample through the imagenet data set plugin.
// Run: npx mocha --no-config --import=tsx --timeout 0 test/datasets/mobilenet-imagenet.slow.test.ts
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { imagenetPlugin, type ImagenetOptions } from '../../plugins/datasets/imagenet.js';
import { mobilenetPlugin, type MobilenetOptions } from '../../plugins/networks/mobilenet.js';
import { wrpnPlugin } from '../../plugins/quantizers/wrpn.js';
import { createAjv } from '../../src/registry/ajv.js';
import type { Dataset, Network, Quantizer } from '../../src/registry/contracts/index.js';
import { measureAccuracy } from '../../src/training/evaluate.js';
import { PACKAGE_ROOT } from '../helpers/package-root.js';
import { testBackend, testContext } from './context.js';

const dataDir = resolve(process.env['RELEQ_DATA_DIR'] ?? join(PACKAGE_ROOT, '..', 'shared', 'data'));
const weights = join(dataDir, 'models', 'mobilenet_v1_0.75_224');
const sample = join(dataDir, 'imagenet-val-sample');

function filled<T>(schema: object, options: Record<string, unknown>): T {
  const o = structuredClone(options);
  expect(createAjv().compile(schema)(o)).to.equal(true);
  return o as T;
}

describe('MobileNet-V1 0.75 on the ImageNet validation sample (slow)', function () {
  this.timeout(0);
  let cacheDir: string;
  before(function () {
    if (!existsSync(weights) || !existsSync(sample)) {
      console.log(`skipped: ${weights} or ${sample} is absent (set RELEQ_DATA_DIR to the shared data folder)`);
      this.skip();
    }
    cacheDir = process.env['RELEQ_CACHE_DIR'] ?? mkdtempSync(join(tmpdir(), 'releq-mobilenet-'));
  });
  after(() => { if (process.env['RELEQ_CACHE_DIR'] === undefined && cacheDir !== undefined) rmSync(cacheDir, { recursive: true, force: true }); });

  for (const cropFraction of [1, 0.875]) {
    it(`scores near the published accuracy (crop ${cropFraction})`, async () => {
      await testBackend();
      const limit = process.env['MOBILENET_SAMPLE'] === undefined ? null : Number(process.env['MOBILENET_SAMPLE']);
      const ctx = testContext({ dataDir, cacheDir });
      const dataset = await imagenetPlugin.create(filled<ImagenetOptions>(imagenetPlugin.optionsSchema, {
        folder: 'imagenet-val-sample', train: null, test: 'images', testLabels: 'labels.txt', testFraction: 1, cropFraction, testLimit: limit,
      }), ctx) as Dataset;
      const network = await mobilenetPlugin.create(filled<MobilenetOptions>(mobilenetPlugin.optionsSchema, {
        alpha: 0.75, weights: 'models/mobilenet_v1_0.75_224',
      }), ctx) as Network;
      const quantizer = await wrpnPlugin.create(filled(wrpnPlugin.optionsSchema, {}), ctx) as Quantizer;
      const data = await dataset.load();
      const qm = network.build({ quantizer, seed: 1, activationBits: null });
      const t0 = performance.now();
      const acc = measureAccuracy(qm.model, data.test, data, 1000, 50);
      const seconds = (performance.now() - t0) / 1000;
      console.log(`      mobilenet 0.75, crop ${cropFraction}: top-1 ${(100 * acc.top1).toFixed(2)}%, top-5 ${(100 * acc.top5).toFixed(2)}% on ${acc.count} images (${seconds.toFixed(0)} s)`);
      qm.dispose();
      expect(acc.count).to.equal(limit ?? 1300);
      expect(acc.top1).to.be.greaterThan(0.6);
      expect(acc.top5).to.be.greaterThan(0.85);
    });
  }
});
