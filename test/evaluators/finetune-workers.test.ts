import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { finetunePlugin, type FinetuneOptions } from '../../plugins/evaluators/finetune.js';
import { wrpnPlugin } from '../../plugins/quantizers/wrpn.js';
import { createAjv } from '../../src/registry/ajv.js';
import type { Evaluator } from '../../src/registry/contracts/evaluator.js';
import type { Quantizer } from '../../src/registry/contracts/quantizer.js';
import type { PluginContext } from '../../src/registry/plugin.js';
import type { ExperimentConfig } from '../../src/runner/config/types.js';
import { testBackend, testContext } from '../datasets/context.js';
import { tinyData, tinyDataset, tinyNetwork } from '../training/tiny.js';

/** The tiny network's plugin module: .js when compiled, .ts under tsx. */
function tinyPluginPath(): string {
  const js = fileURLToPath(new URL('../training/tiny-plugin.js', import.meta.url));
  return existsSync(js) ? js : js.replace(/\.js$/, '.ts');
}

describe('finetune evaluator on worker threads', () => {
  let root: string;
  let quantizer: Quantizer;
  before(async () => {
    await testBackend();
    root = mkdtempSync(join(tmpdir(), 'releq-finetune-pool-'));
    quantizer = await wrpnPlugin.create({ oneBit: 'binary' } as never, {} as PluginContext) as Quantizer;
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const make = async (workers: number, cacheDir: string): Promise<Evaluator> => {
    const o: Record<string, unknown> = {
      workers, cache: false,
      pretrain: { epochs: 3, batchSize: 32, learningRate: 0.05 },
      finetune: { epochs: 0.5, batchSize: 32, learningRate: 0.02 },
    };
    expect(createAjv().compile(finetunePlugin.optionsSchema)(o)).to.equal(true);
    const experiment = {
      plugins: [tinyPluginPath()], backend: 'wasm', workers,
      network: { name: 'tiny-test' }, quantizer: { name: 'wrpn', oneBit: 'binary' },
    } as unknown as ExperimentConfig;
    const ctx = { ...testContext({ dataDir: root, cacheDir }, { network: tinyNetwork, dataset: tinyDataset(tinyData()), quantizer }), experiment };
    return await finetunePlugin.create(o as unknown as FinetuneOptions, ctx) as Evaluator;
  };

  it('gives the same accuracies on 2 workers as in the main thread', async function () {
    this.timeout(120000);
    const cacheDir = join(root, 'cache');
    const assignments = [[8, 8], [2, 3], [4, 2]];
    const local = await make(0, cacheDir);
    await local.prepare();
    const expected = [];
    for (const bits of assignments) expected.push((await local.evaluate(bits)).accuracy);
    await local.dispose();

    const pooled = await make(2, cacheDir);
    await pooled.prepare();
    const got = await Promise.all(assignments.map((bits) => pooled.evaluate(bits)));
    expect(got.map((e) => e.accuracy)).to.deep.equal(expected);
    expect(pooled.stats().measured).to.equal(3);
    const report = await pooled.finalize!([2, 3]); // runs in the main thread, with the test split
    expect(report.testAccuracy).to.be.within(0, 1);
    await pooled.dispose();
  });
});
