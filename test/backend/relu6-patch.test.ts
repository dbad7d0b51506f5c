import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { disableRelu6Patch, enableRelu6Patch, isRelu6PatchEnabled } from '../../src/backend/index.js';
import { randomHost, relErr, useWasm, type HostTensor } from './helpers.js';

/** Output and d(sum(y * probe))/dx of a relu6 activation layer. */
function run(x: HostTensor): HostTensor[] {
  const layer = tf.layers.activation({ activation: 'relu6' });
  const outs = tf.tidy(() => {
    const xt = tf.tensor(x.values, x.shape);
    const probe = tf.tensor(randomHost(x.shape, 3, 'probe').values, x.shape);
    const y = layer.apply(xt) as tf.Tensor;
    const dx = tf.grad((u) => tf.sum(tf.mul(layer.apply(u) as tf.Tensor, probe)))(xt);
    return [y, dx];
  });
  const host = outs.map((t) => ({ shape: t.shape.slice(), values: Float32Array.from(t.dataSync()) }));
  tf.dispose(outs);
  return host;
}

describe('relu6 activation patch', function () {
  this.timeout(30000);
  before(useWasm);
  after(() => enableRelu6Patch());

  function patchedVsStock(shape: number[]): { err: number; dx: Float32Array } {
    const x = randomHost(shape, 5, 'relu6');
    x.values.forEach((v, i) => { x.values[i] = 5 * v + 3; });
    for (let i = 0; i < 16; i++) x.values[i] = i % 2 === 0 ? 6 : 0;
    enableRelu6Patch();
    expect(isRelu6PatchEnabled()).to.equal(true);
    const before = tf.memory().numTensors;
    const patched = run(x);
    expect(tf.memory().numTensors).to.equal(before);
    disableRelu6Patch();
    expect(isRelu6PatchEnabled()).to.equal(false);
    const stock = run(x);
    enableRelu6Patch();
    return { err: relErr(patched, stock), dx: patched[1]!.values };
  }

  it("matches the stock minimum(6, relu(x)) layer on wasm (releq's kernel), including the gradient at exactly 0 and 6", () => {
    // 105 elements: vector lanes and a scalar tail.
    for (const shape of [[2, 4, 4, 8], [3, 5, 7]]) {
      const { err, dx } = patchedVsStock(shape);
      expect(err, JSON.stringify(shape)).to.equal(0);
      // the gradient is not trivially all-pass or all-zero
      expect(dx.filter((v) => v === 0).length).to.be.within(16, dx.length - 16);
    }
  });

  it('matches the stock layer on a backend without the kernel (tf ops)', async () => {
    await tf.setBackend('cpu');
    try {
      expect(patchedVsStock([3, 5, 7]).err).to.equal(0);
    } finally {
      await tf.setBackend('wasm');
    }
  });
});
