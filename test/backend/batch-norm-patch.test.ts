import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { disableFusedBatchNorm, enableFusedBatchNorm, isFusedBatchNormEnabled } from '../../src/backend/index.js';
import { randomHost, relErr, useWasm, type HostTensor } from './helpers.js';

interface BnRun { outs: HostTensor[] }

/** One training-mode BN call on fixed data: output, d(loss)/d(x, gamma, beta), moving stats, inference. */
function runBatchNorm(x: HostTensor): BnRun {
  const layer = tf.layers.batchNormalization({ momentum: 0.9, gammaInitializer: tf.initializers.constant({ value: 1.5 }), betaInitializer: tf.initializers.constant({ value: 0.25 }) });
  const host = (t: tf.Tensor): HostTensor => ({ shape: t.shape.slice(), values: Float32Array.from(t.dataSync()) });
  const tensors = tf.tidy(() => {
    const xt = tf.tensor(x.values, x.shape);
    layer.build(xt.shape);
    const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const probe = tf.tensor(randomHost(x.shape, 9, 'probe').values, x.shape);
    const loss = (): tf.Scalar => tf.sum(tf.mul(layer.apply(xt, { training: true }) as tf.Tensor, probe));
    const y = layer.apply(xt, { training: true }) as tf.Tensor;
    const { grads } = tf.variableGrads(loss, weights as tf.Variable[]);
    const dx = tf.grad((u) => tf.sum(tf.mul(layer.apply(u, { training: true }) as tf.Tensor, probe)))(xt);
    const moving = layer.nonTrainableWeights.map((w) => w.read());
    const inference = layer.apply(xt, { training: false }) as tf.Tensor;
    return [y, dx, ...weights.map((w) => grads[w.name]!), ...moving, inference].map((t) => tf.clone(t));
  });
  const outs = tensors.map(host);
  tf.dispose(tensors);
  layer.weights.forEach((w) => w.dispose());
  return { outs };
}

describe('fused batch-norm training patch', function () {
  this.timeout(30000);
  before(useWasm);
  after(() => enableFusedBatchNorm());

  it('matches the stock tfjs-layers layer: output, gradients, moving statistics and inference', () => {
    const x = randomHost([4, 5, 5, 3], 11, 'bn');
    x.values.forEach((v, i) => { x.values[i] = 3 * v + 2; });
    enableFusedBatchNorm();
    expect(isFusedBatchNormEnabled()).to.equal(true);
    const fused = runBatchNorm(x);
    disableFusedBatchNorm();
    expect(isFusedBatchNormEnabled()).to.equal(false);
    const stock = runBatchNorm(x);
    enableFusedBatchNorm();
    expect(fused.outs.length).to.equal(stock.outs.length);
    expect(relErr(fused.outs, stock.outs)).to.be.at.most(1e-4);
  });

  it('leaves no tensors behind per training call', () => {
    const layer = tf.layers.batchNormalization({});
    const x = tf.randomNormal([2, 4, 4, 3]);
    const step = (): void => { tf.tidy(() => { tf.grad((u) => tf.sum(layer.apply(u, { training: true }) as tf.Tensor))(x); }); };
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).to.equal(before);
    layer.weights.forEach((w) => w.dispose());
    x.dispose();
  });
});
