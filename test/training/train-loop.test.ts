import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { wrpnPlugin } from '../../plugins/quantizers/wrpn.js';
import type { Quantizer } from '../../src/registry/contracts/quantizer.js';
import type { PluginContext } from '../../src/registry/plugin.js';
import { Rng } from '../../src/services/rng.js';
import { measureAccuracy } from '../../src/training/evaluate.js';
import { stepsFor, trainModel, type TrainConfig } from '../../src/training/train-loop.js';
import { restoreWeights, snapshotWeights } from '../../src/training/weights.js';
import { testBackend } from '../datasets/context.js';
import { tinyData, tinyNetwork } from './tiny.js';

export const sgd: TrainConfig = {
  epochs: 3, steps: null, batchSize: 32, learningRate: 0.05, optimizer: 'sgd', momentum: 0.9, weightDecay: 1e-4, schedule: 'constant',
};

describe('train loop', () => {
  let quantizer: Quantizer;
  before(async () => {
    await testBackend();
    quantizer = await wrpnPlugin.create({} as never, {} as PluginContext) as Quantizer;
  });

  it('counts steps from fractional epochs or takes them exactly', () => {
    expect(stepsFor({ ...sgd, epochs: 0.25 }, 1000)).to.equal(8);
    expect(stepsFor({ ...sgd, epochs: 0 }, 1000)).to.equal(0);
    expect(stepsFor({ ...sgd, steps: 5 }, 1000)).to.equal(5);
  });

  it('learns the tiny task, is reproducible from the rng stream, and leaks no tensors', async () => {
    const data = tinyData();
    const qm = tinyNetwork.build({ quantizer, seed: 3, activationBits: null });
    const initial = snapshotWeights(qm.model);
    const before = measureAccuracy(qm.model, data.validation, data, 4).top1;
    const tensors = tf.memory().numTensors;
    const r1 = await trainModel(qm.model, data.train, data, 4, sgd, Rng.stream(1, 'order'));
    expect(tf.memory().numTensors).to.equal(tensors);
    const after = measureAccuracy(qm.model, data.validation, data, 4);
    expect(tf.memory().numTensors).to.equal(tensors);
    expect(r1.steps).to.equal(Math.ceil((3 * data.train.count) / 32));
    expect(after.top1).to.be.greaterThan(0.9);
    expect(after.top1).to.be.greaterThan(before);
    const trained = snapshotWeights(qm.model);

    restoreWeights(qm.model, initial);
    await trainModel(qm.model, data.train, data, 4, sgd, Rng.stream(1, 'order'));
    expect(snapshotWeights(qm.model).values.map((v) => Array.from(v))).to.deep.equal(trained.values.map((v) => Array.from(v)));
    restoreWeights(qm.model, initial);
    await trainModel(qm.model, data.train, data, 4, sgd, Rng.stream(2, 'order'));
    expect(snapshotWeights(qm.model).values[0]).to.not.deep.equal(trained.values[0]);
    qm.dispose();
  });

  it('stops a diverging fine-tune and says so when asked, and throws otherwise', async () => {
    const data = tinyData(3);
    const qm = tinyNetwork.build({ quantizer, seed: 5, activationBits: null });
    const wild: TrainConfig = { ...sgd, epochs: 1, learningRate: 1e30, weightDecay: 0 };
    const initial = snapshotWeights(qm.model);
    const tensors = tf.memory().numTensors;
    const r = await trainModel(qm.model, data.train, data, 4, wild, Rng.stream(1, 'order'), { onDivergence: 'stop', progressEvery: 1 });
    expect(r.diverged).to.equal(true);
    expect(r.steps).to.be.lessThan(stepsFor(wild, data.train.count));
    expect(tf.memory().numTensors).to.equal(tensors);
    restoreWeights(qm.model, initial);
    let error: unknown;
    await trainModel(qm.model, data.train, data, 4, wild, Rng.stream(1, 'order'), { progressEvery: 1 }).catch((e: unknown) => { error = e; });
    expect(String(error)).to.contain('training diverged');
    qm.dispose();
  });

  it('trains through quantized weights (4 bits) with adam and a cosine schedule', async () => {
    const data = tinyData(2);
    const qm = tinyNetwork.build({ quantizer, seed: 4, activationBits: null });
    qm.setBitwidths([4, 4]);
    const progress: number[] = [];
    await trainModel(qm.model, data.train, data, 4, { ...sgd, optimizer: 'adam', learningRate: 0.02, schedule: 'cosine' }, Rng.stream(1, 'o'),
      { onProgress: (p) => progress.push(p.step), progressEvery: 5 });
    expect(progress[0]).to.equal(1);
    expect(progress[progress.length - 1]).to.equal(stepsFor(sgd, data.train.count));
    expect(measureAccuracy(qm.model, data.validation, data, 4).top1).to.be.greaterThan(0.8);
    qm.dispose();
  });
});
