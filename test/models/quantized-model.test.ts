import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { ReleqError } from '../../src/errors.js';
import { exportWeights, importWeights } from '../../src/models/weights-io.js';
import { SeededDropout } from '../../src/models/extra-layers.js';
import { Rng } from '../../src/services/rng.js';
import type { QuantizedModel } from '../../src/models/quantized-model.js';
import type { Quantizer } from '../../src/registry/contracts/quantizer.js';
import { buildLenet } from '../../plugins/networks/lenet.js';
import { buildResnet20 } from '../../plugins/networks/resnet20.js';
import { buildOptions, dorefa, wrpn } from '../networks/helpers.js';

const lenet = (seed = 1, quantizer: Quantizer = dorefa, activationBits: number | null = null): QuantizedModel =>
  buildLenet(buildOptions(seed, quantizer, activationBits), { numClasses: 10 });

function predict(qm: QuantizedModel, x: tf.Tensor): Float32Array {
  return tf.tidy(() => (qm.model.predict(x) as tf.Tensor).dataSync() as Float32Array);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

function kernels(qm: QuantizedModel): Float32Array[] {
  return qm.layers.map((l) => (l.kernelVariable().dataSync() as Float32Array).slice());
}

describe('quantized models', () => {
  let x: tf.Tensor;
  before(async () => {
    await tf.ready();
    x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 11);
  });
  after(() => x.dispose());

  it('setBitwidths changes the output with no rebuild: same model, same variables, no new tensors', () => {
    const qm = lenet();
    const model = qm.model;
    const variables = model.weights.length;
    const fp = predict(qm, x);
    const tensors = tf.memory().numTensors;
    qm.setBitwidths([2, 2, 2, 2]);
    const q2 = predict(qm, x);
    qm.setBitwidths([8, 8, 8, 8]);
    const q8 = predict(qm, x);
    qm.setBitwidths([32, 32, 32, 32]);
    const back = predict(qm, x);
    expect(qm.model).to.equal(model);
    expect(model.weights.length).to.equal(variables);
    expect(tf.memory().numTensors).to.equal(tensors);
    expect(maxAbsDiff(fp, q2)).to.be.greaterThan(1e-3);
    expect(maxAbsDiff(fp, q8)).to.be.greaterThan(0);
    // 8 bits is much closer to full precision than 2 bits
    expect(maxAbsDiff(fp, q8)).to.be.lessThan(maxAbsDiff(fp, q2));
    expect(maxAbsDiff(fp, back)).to.equal(0);
    expect(qm.getBitwidths()).to.deep.equal([32, 32, 32, 32]);
    qm.dispose();
  });

  it('runs the forward pass on quantizer(weights, bits) layer by layer', () => {
    // model A quantizes on the fly; model B (same seed) gets A's quantized weights written in at 32 bits
    const a = lenet(3, wrpn);
    const b = lenet(3, wrpn);
    const bits = [2, 5, 3, 8];
    a.setBitwidths(bits);
    a.layers.forEach((layer, i) => tf.tidy(() => {
      const kernel = b.layers[i]!.kernelVariable() as tf.Variable;
      kernel.assign(wrpn.quantizeWeights(layer.kernelVariable(), bits[i]!));
    }));
    expect(maxAbsDiff(predict(a, x), predict(b, x))).to.be.lessThan(1e-5);
    a.dispose();
    b.dispose();
  });

  it('builds identical weights from the same seed and different ones from another seed', () => {
    const a = lenet(7);
    const b = lenet(7);
    const c = lenet(8);
    const [ka, kb, kc] = [kernels(a), kernels(b), kernels(c)];
    ka.forEach((k, i) => expect(maxAbsDiff(k, kb[i]!), `layer ${i}`).to.equal(0));
    ka.forEach((k, i) => expect(maxAbsDiff(k, kc[i]!), `layer ${i}`).to.be.greaterThan(0));
    // layers draw from their own streams: no two layers start alike
    expect(ka[2]!.slice(0, 5)).to.not.deep.equal(ka[3]!.slice(0, 5));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('one training step through 2-bit weights changes the full-precision shadow weights', async () => {
    // dorefa: at 2 bits WRPN rounds every |w| < 0.5 to 0, which leaves a freshly initialised LeNet
    // with all-zero kernels and no gradient (a property of the formula, not of the layers)
    const qm = lenet(5, dorefa);
    qm.setBitwidths([2, 2, 2, 2]);
    qm.model.compile({
      optimizer: tf.train.sgd(0.1),
      loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
    });
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 10);
    const before = kernels(qm);
    const variables = tf.memory().numTensors;
    await qm.model.trainOnBatch(x, y);
    const after = kernels(qm);
    before.forEach((k, i) => {
      const diff = maxAbsDiff(k, after[i]!);
      expect(diff, `layer ${i} moved`).to.be.greaterThan(0);
      // the update is on the shadow weights, not a snap to the 2-bit grid
      expect(Array.from(after[i]!).some((v) => Math.abs(v) > 1e-3 && Math.abs(v) < 0.999), `layer ${i} stays full precision`).to.equal(true);
    });
    expect(tf.memory().numTensors).to.be.at.most(variables + 2); // the optimizer's iteration counter at most
    y.dispose();
    qm.dispose();
  });

  it('quantizes activations when asked, switchable without a rebuild', () => {
    const qm = lenet(2, dorefa, 2);
    const q = predict(qm, x);
    qm.setActivationBits(null);
    const fp = predict(qm, x);
    expect(maxAbsDiff(q, fp)).to.be.greaterThan(1e-4);
    qm.setActivationBits(2);
    expect(maxAbsDiff(predict(qm, x), q)).to.equal(0);
    qm.dispose();
  });

  it('rejects a wrong number of bitwidths or an unsupported one, naming the layers', () => {
    const qm = lenet();
    expect(() => qm.setBitwidths([2, 2, 2])).to.throw(ReleqError, 'setBitwidths: lenet has 4 quantizable layers, got 3 bitwidths');
    expect(() => qm.setBitwidths([2, 9, 2, 2])).to.throw(ReleqError, 'setBitwidths: layer 1 (conv2): bitwidth 9 is not supported');
    expect(qm.getBitwidths()).to.deep.equal([32, 32, 32, 32]);
    qm.dispose();
  });

  it('keeps resnet20 shortcut convs full precision in a full-precision model and at shortcutBits otherwise', () => {
    const qm = buildResnet20(buildOptions(), { numClasses: 10, shortcuts: 'fixed', shortcutBits: 4 });
    expect(qm.hiddenLayers.map((l) => [l.name, l.bits])).to.deep.equal([['layer2.0.downsample.0', 32], ['layer3.0.downsample.0', 32]]);
    // 1x1/2 shortcuts: 16*16 * 16*32 and 8*8 * 32*64 MACs, outside the 20-row table
    expect(qm.hiddenLayerTable().map((r) => r.macs)).to.deep.equal([131_072, 131_072]);
    qm.setBitwidths([8, ...new Array(18).fill(3), 8]);
    expect(qm.hiddenLayers.map((l) => l.bits)).to.deep.equal([4, 4]);
    qm.setBitwidths(new Array(20).fill(32));
    expect(qm.hiddenLayers.map((l) => l.bits)).to.deep.equal([32, 32]);
    qm.dispose();
  });

  it('seeded dropout draws fresh masks in training steps and none in inference', async () => {
    const input = tf.input({ shape: [64] });
    const dropped = new SeededDropout({ name: 'drop', rate: 0.5, rng: Rng.stream(1, 'dropout/drop') }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.ones() }).apply(dropped) as tf.SymbolicTensor });
    const data = tf.ones([2, 64]);
    const p1 = (model.predict(data) as tf.Tensor).dataSync();
    expect(Array.from(p1)).to.deep.equal(new Array(6).fill(64));
    model.compile({ optimizer: tf.train.sgd(0), loss: 'meanSquaredError' });
    const y = tf.zeros([2, 3]);
    const l1 = await model.trainOnBatch(data, y) as number;
    const l2 = await model.trainOnBatch(data, y) as number;
    expect(l1).to.not.equal(64 * 64); // the mask (and the 1/(1-rate) scaling) is on in training
    expect(l1).to.not.equal(l2); // lr 0: only the masks differ between the steps
    tf.dispose([data, y]);
    model.dispose();
  });

  it('exports and imports weights by stable names (checkpoints, workers)', () => {
    const a = lenet(1);
    const b = lenet(2);
    importWeights(b.model, exportWeights(a.model));
    expect(maxAbsDiff(predict(a, x), predict(b, x))).to.equal(0);
    const weights = exportWeights(a.model);
    expect(weights.map((w) => w.name)).to.deep.equal(['conv1/kernel', 'conv1/bias', 'conv2/kernel', 'conv2/bias', 'fc1/kernel', 'fc1/bias', 'fc2/kernel', 'fc2/bias']);
    expect(() => importWeights(b.model, weights.slice(1))).to.throw(ReleqError, 'weights do not fit model lenet: conv1/kernel missing');
    a.dispose();
    b.dispose();
  });
});
