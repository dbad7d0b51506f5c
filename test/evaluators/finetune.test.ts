import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finetunePlugin, type FinetuneOptions } from '../../plugins/evaluators/finetune.js';
import { wrpnPlugin } from '../../plugins/quantizers/wrpn.js';
import { createAjv } from '../../src/registry/ajv.js';
import type { Evaluator } from '../../src/registry/contracts/evaluator.js';
import type { Quantizer } from '../../src/registry/contracts/quantizer.js';
import type { PluginContext } from '../../src/registry/plugin.js';
import { testBackend, testContext } from '../datasets/context.js';
import { tinyData, tinyDataset, tinyNetwork } from '../training/tiny.js';

/** The plugin's defaults (as the core fills them), with budgets small enough for the tiny task. */
function options(overrides: Record<string, unknown>): FinetuneOptions {
  const o: Record<string, unknown> = structuredClone(overrides);
  expect(createAjv().compile(finetunePlugin.optionsSchema)(o)).to.equal(true);
  return o as unknown as FinetuneOptions;
}

describe('finetune evaluator', () => {
  let root: string;
  let quantizer: Quantizer;
  before(async () => {
    await testBackend();
    root = mkdtempSync(join(tmpdir(), 'releq-finetune-'));
    quantizer = await wrpnPlugin.create({} as never, {} as PluginContext) as Quantizer;
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const opts = options({
    pretrain: { epochs: 3, batchSize: 32, learningRate: 0.05 },
    finetune: { epochs: 0.5, batchSize: 32, learningRate: 0.02 },
    final: { epochs: 1, batchSize: 32 },
  });
  const make = async (o: FinetuneOptions = opts): Promise<{ ev: Evaluator; logger: string[] }> => {
    const ctx = testContext({ dataDir: root, cacheDir: join(root, 'cache') }, { network: tinyNetwork, dataset: tinyDataset(tinyData()), quantizer });
    return { ev: await finetunePlugin.create(o, ctx) as Evaluator, logger: ctx.logger.lines };
  };

  it('fills defaults from its schema (paper optimizer settings)', () => {
    const d = options({});
    expect(d.finetune).to.include({ optimizer: 'sgd', momentum: 0.9, weightDecay: 1e-4, epochs: 0.1 });
    expect(d.pretrain.epochs).to.equal(null);
    expect(d.final.epochs).to.be.greaterThan(d.finetune.epochs);
  });

  it('pretrains, fine-tunes assignments, caches answers across runs, and reports the final test accuracy', async () => {
    const first = await make();
    const problem = await first.ev.prepare();
    expect(problem.network).to.equal('tiny');
    expect(problem.layers.map((l) => l.name)).to.deep.equal(['conv1', 'fc']);
    expect(problem.fixedBits).to.equal(8);
    expect(problem.fullPrecisionAccuracy).to.be.greaterThan(0.9);
    expect(first.logger.some((l) => l.startsWith('pretraining'))).to.equal(true);

    const [e8, e3, again] = await Promise.all([first.ev.evaluate([8, 8]), first.ev.evaluate([3, 2]), first.ev.evaluate([8, 8])]);
    expect(e8.origin).to.equal('measured');
    expect(e8.accuracy).to.be.greaterThan(0.85);
    expect(again).to.deep.equal(e8); // the same assignment in flight is measured once
    expect(e3.accuracy).to.be.within(0, 1);
    expect(first.ev.stats()).to.include({ measured: 2, cacheHits: 1, distinct: 2 });
    const hit = await first.ev.evaluate([3, 2]);
    expect(hit).to.deep.equal({ accuracy: e3.accuracy, origin: 'measured', seconds: 0 });
    expect(first.ev.stats().cacheHits).to.equal(2);

    const report = await first.ev.finalize!([3, 2]);
    expect(report.testAccuracy).to.be.within(0, 1);
    expect(report.accuracyLoss).to.be.closeTo(report.fullPrecisionTestAccuracy! - report.testAccuracy!, 1e-12);
    await first.ev.dispose();

    // A second run of the same configuration: no pretraining, answers from the file.
    const second = await make();
    await second.ev.prepare();
    expect(second.logger.some((l) => l.startsWith('pretraining'))).to.equal(false);
    expect(await second.ev.evaluate([3, 2])).to.deep.equal(hit);
    expect(second.ev.stats()).to.include({ measured: 0, cacheHits: 1 });
    await second.ev.dispose();

    // A different budget is a different cache file.
    const third = await make({ ...opts, finetune: { ...opts.finetune, epochs: 0 } });
    await third.ev.prepare();
    const ptq = await third.ev.evaluate([3, 2]);
    expect(third.ev.stats()).to.include({ measured: 1, cacheHits: 0 });
    expect(ptq.seconds).to.be.greaterThan(0);
    await third.ev.dispose();
    const files = readdirSync(join(root, 'cache', 'evaluations'));
    expect(files).to.have.length(2);
    const lines = files.flatMap((f) => readFileSync(join(root, 'cache', 'evaluations', f), 'utf8').trim().split('\n'));
    expect(lines).to.have.length(2 + 3); // two key lines, three measurements
  });

  it('rejects a network and data set that do not fit together', async () => {
    const ctx = testContext({ dataDir: root, cacheDir: join(root, 'cache') }, {
      network: { ...tinyNetwork, inputShape: [28, 28, 1] }, dataset: tinyDataset(tinyData()), quantizer,
    });
    const ev = await finetunePlugin.create(opts, ctx) as Evaluator;
    const err = await ev.prepare().catch((e: unknown) => e as Error);
    expect((err as Error).message).to.equal('the network takes 28x28x1 inputs, but data set quadrants has 8x8x1 images');
  });
});
