import { expect } from 'chai';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wrpnPlugin } from '../../plugins/quantizers/wrpn.js';
import { ReleqError } from '../../src/errors.js';
import type { Quantizer } from '../../src/registry/contracts/quantizer.js';
import type { PluginContext } from '../../src/registry/plugin.js';
import { MemoryLogger } from '../../src/services/logger.js';
import { EvaluationCache } from '../../src/training/evaluation-cache.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/training/checkpoint-store.js';
import { pretrainOrLoad, checkpointKey } from '../../src/training/pretrain.js';
import { snapshotWeights } from '../../src/training/weights.js';
import { testBackend } from '../datasets/context.js';
import { tinyData, tinyNetwork } from './tiny.js';
import { sgd } from './train-loop.test.js';

describe('checkpoint and evaluation caches', () => {
  let dir: string;
  let quantizer: Quantizer;
  before(async () => {
    await testBackend();
    dir = mkdtempSync(join(tmpdir(), 'releq-caches-'));
    quantizer = await wrpnPlugin.create({} as never, {} as PluginContext) as Quantizer;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('saves weights atomically and loads them back bit for bit; a damaged one names its folder', () => {
    const qm = tinyNetwork.build({ quantizer, seed: 1, activationBits: null });
    const snap = snapshotWeights(qm.model);
    const ck = join(dir, 'ck');
    saveCheckpoint(ck, snap, { note: 'x' });
    const back = loadCheckpoint<{ note: string }>(ck)!;
    expect(back.meta.note).to.equal('x');
    expect(back.snapshot.shapes).to.deep.equal(snap.shapes);
    expect(back.snapshot.values.map((v) => Array.from(v))).to.deep.equal(snap.values.map((v) => Array.from(v)));
    expect(loadCheckpoint(join(dir, 'none'))).to.equal(null);
    writeFileSync(join(ck, 'weights.bin'), new Uint8Array(8));
    expect(() => loadCheckpoint(ck)).to.throw(ReleqError, `checkpoint ${ck} is damaged`);
    qm.dispose();
  });

  it('pretrains once; the second prepare reuses the checkpoint without training', async () => {
    const data = tinyData();
    const cacheDir = join(dir, 'cache');
    const run = async (): Promise<{ trained: boolean; acc: number; logger: MemoryLogger }> => {
      const qm = tinyNetwork.build({ quantizer, seed: 5, activationBits: null });
      const logger = new MemoryLogger();
      const r = await pretrainOrLoad({ model: qm.model, data, config: sgd, seed: 3, cacheDir, network: { name: 'tiny' }, logger });
      qm.dispose();
      return { trained: r.trained, acc: r.meta.validationAccuracy, logger };
    };
    const first = await run();
    expect(first.trained).to.equal(true);
    expect(first.acc).to.be.greaterThan(0.9);
    const second = await run();
    expect(second.trained).to.equal(false);
    expect(second.acc).to.equal(first.acc);
    expect(second.logger.lines.some((l) => l.startsWith('pretraining'))).to.equal(false);
    // Another training config, seed or data split is another checkpoint.
    const base = checkpointKey({ network: { name: 'tiny' }, data, config: sgd, seed: 3 }).key;
    expect(checkpointKey({ network: { name: 'tiny' }, data, config: { ...sgd, epochs: 4 }, seed: 3 }).key).to.not.equal(base);
    expect(checkpointKey({ network: { name: 'tiny' }, data, config: sgd, seed: 4 }).key).to.not.equal(base);
    expect(checkpointKey({ network: { name: 'tiny' }, data: tinyData(2), config: sgd, seed: 3 }).key).to.not.equal(base);
  });

  it('evaluation cache: append-only lines, reloaded by a new instance, a torn last line skipped', () => {
    const file = join(dir, 'evals', 'x.jsonl');
    const a = new EvaluationCache(file, { k: 1 });
    a.put({ bits: [2, 3], accuracy: 0.5, seconds: 1.5 });
    a.put({ bits: [2, 3], accuracy: 0.9, seconds: 1 }); // first measurement wins
    a.put({ bits: [8, 8], accuracy: 0.75, seconds: 2 });
    appendFileSync(file, '{"bits":[4,4],"accur');
    const b = new EvaluationCache(file, { k: 1 });
    expect(b.size).to.equal(2);
    expect(b.get([2, 3])!.accuracy).to.equal(0.5);
    expect(b.get([4, 4])).to.equal(undefined);
    expect(JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!)).to.deep.equal({ key: { k: 1 } });
  });
});

describe('model fingerprint', () => {
  it('ignores the quantizer and bitwidths but not the architecture', async () => {
    await testBackend();
    const { modelFingerprint } = await import('../../src/training/fingerprint.js');
    const { dorefaPlugin } = await import('../../plugins/quantizers/dorefa.js');
    const wrpn = await wrpnPlugin.create({ oneBit: 'binary' } as never, {} as PluginContext) as Quantizer;
    const dorefa = await dorefaPlugin.create({} as never, {} as PluginContext) as Quantizer;
    const a = tinyNetwork.build({ quantizer: wrpn, seed: 1, activationBits: null });
    const b = tinyNetwork.build({ quantizer: dorefa, seed: 1, activationBits: null });
    b.setBitwidths([4, 4]);
    expect(modelFingerprint(b.model)).to.equal(modelFingerprint(a.model));
    const c = tinyNetwork.build({ quantizer: wrpn, seed: 1, activationBits: 4 });
    expect(modelFingerprint(c.model)).to.not.equal(modelFingerprint(a.model));
    [a, b, c].forEach((m) => m.dispose());
  });
});
