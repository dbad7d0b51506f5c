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

  function fusedVsStock(shape: number[], seed: number): number {
    const x = randomHost(shape, seed, 'bn');
    x.values.forEach((v, i) => { x.values[i] = 3 * v + 2; });
    enableFusedBatchNorm();
    expect(isFusedBatchNormEnabled()).to.equal(true);
    const fused = runBatchNorm(x);
    disableFusedBatchNorm();
    expect(isFusedBatchNormEnabled()).to.equal(false);
    const stock = runBatchNorm(x);
    enableFusedBatchNorm();
    expect(fused.outs.length).to.equal(stock.outs.length);
    return relErr(fused.outs, stock.outs);
  }

  it("matches the stock tfjs-layers layer on wasm (releq's kernels): output, gradients, moving statistics and inference", () => {
    // Channels 3, 6 and 16 reach the scalar, vector + scalar and vector-only paths; 189 and 288 rows
    // span several 64-row summation blocks.
    expect(tf.getBackend()).to.equal('wasm');
    for (const [i, shape] of [[4, 5, 5, 3], [3, 7, 9, 6], [2, 12, 12, 16], [70, 16]].entries()) {
      expect(fusedVsStock(shape, 11 + i), JSON.stringify(shape)).to.be.at.most(1e-4);
    }
  });

  it('matches the stock layer on a backend without the kernels (tf ops)', async () => {
    await tf.setBackend('cpu');
    try {
      expect(fusedVsStock([3, 7, 9, 6], 21)).to.be.at.most(1e-4);
    } finally {
      await tf.setBackend('wasm');
    }
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
