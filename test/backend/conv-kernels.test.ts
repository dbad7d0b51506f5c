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

  it('conv gradients match cpu on uneven strides, k < stride, k=4 same, pad 1 and 1x1 stride-2 subsampling', async () => {
    const cases: { x: number[]; k: number; s: number | [number, number]; pad: Pad | number }[] = [
      { x: [2, 10, 11, 3], k: 4, s: 3, pad: 'same' }, { x: [2, 9, 8, 3], k: 2, s: 2, pad: 'valid' },
      { x: [2, 8, 7, 3], k: 3, s: [2, 1], pad: 'same' }, { x: [2, 9, 9, 3], k: 3, s: 2, pad: 1 },
      { x: [2, 8, 8, 3], k: 1, s: 2, pad: 'same' }, { x: [2, 8, 8, 3], k: 1, s: 3, pad: 'valid' },
      { x: [2, 7, 7, 3], k: 5, s: 1, pad: 2 },
    ];
    for (const [i, c] of cases.entries()) {
      const filterShape = [c.k, c.k, 3, 4];
      const info = tf.backend_util.computeConv2DInfo(c.x as [number, number, number, number], filterShape as [number, number, number, number], c.s, 1, c.pad);
      const dy = [c.x[0]!, info.outHeight, info.outWidth, 4];
      const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC' };
      const dw = await compareKernel([randomHost(c.x, i, 'x'), randomHost(dy, i, 'dy')], (xt, dyt) =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x: xt!, dy: dyt! }, { ...attrs, filterShape }) as tf.Tensor);
      const dx = await compareKernel([randomHost(dy, i, 'dy'), randomHost(filterShape, i, 'w')], (dyt, wt) =>
        tf.engine().runKernel('Conv2DBackpropInput', { dy: dyt!, filter: wt! }, { ...attrs, inputShape: c.x }) as tf.Tensor);
      expect(dw, `dW ${JSON.stringify(c)}`).to.be.at.most(TOL);
      expect(dx, `dx ${JSON.stringify(c)}`).to.be.at.most(TOL);
    }
  });

  it('the filter gradient matches cpu for channel counts that reach every register tile and several row blocks', async () => {
    // releq's wasm kernel tiles 4 input x 8 or 4 output channels, with separate code for 1-3
    // leftover output channels, leftover input channels, and output rows split into L2 blocks.
    const cases: { x: number[]; cout: number; k: number; s: number; pad: Pad }[] = [
      { x: [2, 6, 7, 5], cout: 11, k: 3, s: 1, pad: 'same' }, { x: [2, 7, 6, 8], cout: 6, k: 3, s: 2, pad: 'same' },
      { x: [1, 9, 9, 4], cout: 9, k: 5, s: 1, pad: 'valid' }, { x: [2, 8, 8, 1], cout: 13, k: 3, s: 2, pad: 'valid' },
      { x: [1, 5, 5, 9], cout: 16, k: 1, s: 1, pad: 'same' }, { x: [3, 40, 40, 8], cout: 16, k: 3, s: 1, pad: 'same' },
    ];
    for (const [i, c] of cases.entries()) {
      const filterShape = [c.k, c.k, c.x[3]!, c.cout];
      const dy = outShape(c.x, c.k, c.s, c.pad, c.cout);
      const dw = await compareKernel([randomHost(c.x, 40 + i, 'x'), randomHost(dy, 40 + i, 'dy')], (xt, dyt) =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x: xt!, dy: dyt! }, { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape }) as tf.Tensor);
      expect(dw, `dW ${JSON.stringify(c)}`).to.be.at.most(TOL);
    }
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

  it('depthwise filter and input gradients (multiplier 1) match cpu for 16-, 4- and 1-channel vectors and several row blocks', async () => {
    const cases: { x: number[]; k: number; s: number; pad: Pad }[] = [
      { x: [2, 7, 6, 21], k: 3, s: 1, pad: 'same' }, { x: [2, 8, 9, 21], k: 3, s: 2, pad: 'same' },
      { x: [1, 9, 8, 8], k: 5, s: 2, pad: 'valid' }, { x: [3, 48, 48, 32], k: 3, s: 1, pad: 'same' },
    ];
    for (const [i, c] of cases.entries()) {
      const filterShape = [c.k, c.k, c.x[3]!, 1];
      const dy = outShape(c.x, c.k, c.s, c.pad, c.x[3]!, true);
      const dw = await compareKernel([randomHost(c.x, 60 + i, 'x'), randomHost(dy, 60 + i, 'dy')], (xt, dyt) =>
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: xt!, dy: dyt! }, { strides: c.s, pad: c.pad, dilations: 1, filterShape }) as tf.Tensor);
      expect(dw, `depthwise dW ${JSON.stringify(c)}`).to.be.at.most(TOL);
      const dx = await compareKernel([randomHost(dy, 70 + i, 'dy'), randomHost(filterShape, 70 + i, 'w')], (dyt, wt) =>
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dyt!, filter: wt! }, { strides: c.s, pad: c.pad, dilations: 1, inputShape: c.x }) as tf.Tensor);
      expect(dx, `depthwise dx ${JSON.stringify(c)}`).to.be.at.most(TOL);
    }
  });

  it('gradient kernels leave no tensors behind (strided phases, col2im, multiplier 2)', () => {
    // Outside tf.tidy: a temporary a kernel forgets would stay alive and be counted.
    const x = tf.ones([2, 9, 9, 3]) as tf.Tensor4D;
    const dy2 = tf.ones([2, 5, 5, 6]);
    const dy4 = tf.ones([2, 5, 5, 4]);
    const w5 = tf.ones([5, 5, 3, 4]);
    const w3 = tf.ones([3, 3, 3, 4]);
    const dw2 = tf.ones([3, 3, 3, 2]);
    const before = tf.memory().numTensors;
    const outs = [
      tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dy2, filter: dw2 }, { strides: 2, pad: 'same', dilations: 1, inputShape: x.shape }),
      tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy: dy2 }, { strides: 2, pad: 'same', dilations: 1, filterShape: [3, 3, 3, 2] }),
      tf.engine().runKernel('Conv2DBackpropInput', { dy: dy4, filter: w5 }, { strides: 1, pad: 'valid', inputShape: x.shape }),
      tf.engine().runKernel('Conv2DBackpropInput', { dy: dy4, filter: w3 }, { strides: 2, pad: 'same', inputShape: x.shape }),
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dy4 }, { strides: 2, pad: 'same', filterShape: [3, 3, 3, 4] }),
    ] as tf.Tensor[];
    expect(tf.memory().numTensors).to.equal(before + outs.length);
    tf.dispose([...outs, x, dy2, dy4, w5, w3, dw2]);
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
