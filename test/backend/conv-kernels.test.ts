import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { compareKernel, randomHost, useWasm } from './helpers.js';

const TOL = 1e-4;
type Pad = 'same' | 'valid';

function outShape(x: number[], k: number, s: number, pad: Pad, outC: number, depthwise = false): number[] {
  const info = tf.backend_util.computeConv2DInfo(
    x as [number, number, number, number], [k, k, x[3]!, depthwise ? outC / x[3]! : outC], s, 1, pad, undefined, depthwise);
  return [x[0]!, info.outHeight, info.outWidth, outC];
}

const grid: { n: number; h: number; w: number; k: number; s: number; pad: Pad }[] = [];
for (const [n, h, w] of [[1, 8, 8], [3, 7, 9]] as const) {
  for (const k of [1, 3, 5]) for (const s of [1, 2]) for (const pad of ['same', 'valid'] as const) grid.push({ n, h, w, k, s, pad });
}

describe('wasm conv gradient kernels vs cpu', function () {
  this.timeout(60000);
  before(useWasm);

  it(`Conv2DBackpropFilter and Conv2DBackpropInput match cpu on ${grid.length} cases (stride 1/2, same/valid, batch 1/3)`, async () => {
    let worst = 0;
    for (const [i, c] of grid.entries()) {
      const x = [c.n, c.h, c.w, 3];
      const filterShape = [c.k, c.k, 3, 4];
      const dy = outShape(x, c.k, c.s, c.pad, 4);
      const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC' };
      const dw = await compareKernel([randomHost(x, i, 'x'), randomHost(dy, i, 'dy')], (xt, dyt) =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x: xt!, dy: dyt! }, { ...attrs, filterShape }) as tf.Tensor);
      const dx = await compareKernel([randomHost(dy, i, 'dy'), randomHost(filterShape, i, 'w')], (dyt, wt) =>
        tf.engine().runKernel('Conv2DBackpropInput', { dy: dyt!, filter: wt! }, { ...attrs, inputShape: x }) as tf.Tensor);
      expect(dw, `dW ${JSON.stringify(c)}`).to.be.at.most(TOL);
      expect(dx, `dx ${JSON.stringify(c)}`).to.be.at.most(TOL);
      worst = Math.max(worst, dw, dx);
    }
    expect(worst).to.be.at.most(TOL);
  });

  it('depthwise input and filter gradients match cpu (multiplier 1 and 2)', async () => {
    for (const [i, c] of grid.filter((g) => g.k !== 1).entries()) {
      for (const m of [1, 2]) {
        const x = [c.n, c.h, c.w, 3];
        const filterShape = [c.k, c.k, 3, m];
        const dy = outShape(x, c.k, c.s, c.pad, 3 * m, true);
        const attrs = { strides: c.s, pad: c.pad, dilations: 1 };
        const dw = await compareKernel([randomHost(x, i, 'x'), randomHost(dy, i, 'dy')], (xt, dyt) =>
          tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: xt!, dy: dyt! }, { ...attrs, filterShape }) as tf.Tensor);
        const dx = await compareKernel([randomHost(dy, i, 'dy'), randomHost(filterShape, i, 'w')], (dyt, wt) =>
          tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dyt!, filter: wt! }, { ...attrs, inputShape: x }) as tf.Tensor);
        expect(dw, `depthwise dW m=${m} ${JSON.stringify(c)}`).to.be.at.most(TOL);
        expect(dx, `depthwise dx m=${m} ${JSON.stringify(c)}`).to.be.at.most(TOL);
      }
    }
  });

  it('end-to-end tf.grads through fused conv2d (bias+relu) and depthwise->pointwise match cpu', async () => {
    for (const [s, pad] of [[1, 'same'], [2, 'same'], [2, 'valid']] as const) {
      const inputs = [randomHost([2, 9, 9, 3], s, 'x'), randomHost([3, 3, 3, 5], s, 'w'), randomHost([5], s, 'b'),
        randomHost([3, 3, 5, 2], s, 'dw'), randomHost([1, 1, 10, 4], s, 'pw')];
      const err = await compareKernel(inputs, (x, w, b, dw, pw) => tf.grads((xx, ww, bb, dd, pp) => {
        const h = tf.fused.conv2d({ x: xx as tf.Tensor4D, filter: ww as tf.Tensor4D, strides: s, pad, bias: bb, activation: 'relu' });
        const d = tf.depthwiseConv2d(h, dd as tf.Tensor4D, 1, 'same');
        return tf.sum(tf.square(tf.conv2d(d, pp as tf.Tensor4D, 1, 'same')));
      })([x!, w!, b!, dw!, pw!]));
      expect(err, `s=${s} ${pad}`).to.be.at.most(TOL);
    }
  });
});
