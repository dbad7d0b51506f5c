import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { WASM_TRAINING_KERNELS, stockWasmKernel } from '../../src/backend/index.js';
import { clipGradient } from '../../src/backend/clip-gradient.js';
import { compareKernel, randomHost, runOn, useWasm } from './helpers.js';

const TOL = 1e-4;

describe('wasm replacement kernels vs cpu', function () {
  this.timeout(30000);
  before(useWasm);

  it('registers every training kernel on wasm, as releq kernels', () => {
    for (const name of WASM_TRAINING_KERNELS) {
      const config = tf.getKernel(name, 'wasm');
      expect(config, name).to.not.equal(undefined);
      expect((config!.kernelFunc as unknown as Record<symbol, unknown>)[Symbol.for('releq/wasm-kernel')], name).to.equal(true);
    }
  });

  it('Add/Sub/Multiply/RealDiv with a trailing-vector operand (widened rows) match cpu, in both operand orders', async () => {
    const cases: [number[], number[]][] = [[[5, 6, 7, 16], [16]], [[16], [3, 8, 16]], [[4, 9, 1, 1, 16], [1, 1, 16]], [[7, 13, 8], [8]], [[6, 64], [64]]];
    for (const [i, [sa, sb]] of cases.entries()) {
      const a = randomHost(sa, i, 'a');
      const b = randomHost(sb, i, 'b');
      b.values.forEach((v, j) => { b.values[j] = v + (v >= 0 ? 1 : -1); });
      const err = await compareKernel([a, b], (x, y) => [tf.add(x!, y!), tf.sub(x!, y!), tf.mul(x!, y!), tf.div(x!, y!), tf.sub(y!, x!)]);
      expect(err, `${sa} op ${sb}`).to.be.at.most(TOL);
    }
    const before = tf.memory().numTensors;
    tf.tidy(() => tf.mul(tf.ones([64, 32]), tf.ones([32])).dataSync());
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('matMul with every transpose combination, batched and fused (bias+relu) matches cpu', async () => {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const a = randomHost(ta ? [2, 7, 5] : [2, 5, 7], 1, 'a');
      const b = randomHost(tb ? [2, 6, 7] : [2, 7, 6], 1, 'b');
      expect(await compareKernel([a, b], (x, y) => tf.matMul(x!, y!, ta, tb)), `batched ${ta} ${tb}`).to.be.at.most(TOL);
      const a2 = randomHost(ta ? [7, 5] : [5, 7], 2, 'a');
      const b2 = randomHost(tb ? [6, 7] : [7, 6], 2, 'b');
      const err = await compareKernel([a2, b2, randomHost([6], 2, 'bias')], (x, y, z) =>
        tf.fused.matMul({ a: x as tf.Tensor2D, b: y as tf.Tensor2D, transposeA: ta, transposeB: tb, bias: z, activation: 'relu' }));
      expect(err, `fused ${ta} ${tb}`).to.be.at.most(TOL);
    }
  });

  it("plain 2-D products by releq's kernel (A^T B, few rows) match cpu for every transpose, odd widths and a long contraction", async () => {
    for (const [k, m, n] of [[2048, 8, 40], [128, 13, 10], [300, 6, 3]] as const) {
      for (const [ta, tb] of [[true, false], [false, false], [false, true], [true, true]] as const) {
        const a = randomHost(ta ? [k, m] : [m, k], 7, 'a');
        const b = randomHost(tb ? [n, k] : [k, n], 7, 'b');
        expect(await compareKernel([a, b], (x, y) => tf.matMul(x!, y!, ta, tb)), `${k}x${m} ${k}x${n} ${ta} ${tb}`).to.be.at.most(TOL);
      }
    }
    const before = tf.memory().numTensors;
    tf.tidy(() => tf.matMul(tf.ones([2048, 8]), tf.ones([2048, 40]), true, false).dataSync());
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('A B^T with a long contraction (gemm_nt) and wide 1x1 convs (forward and input gradient) match cpu', async () => {
    // k = 259 and 260: vector lanes plus a tail; 5 and 7 rows: 2x4 tiles plus single rows/columns.
    expect(await compareKernel([randomHost([5, 259], 8, 'a'), randomHost([7, 259], 8, 'b')], (x, y) => tf.matMul(x!, y!, false, true))).to.be.at.most(TOL);
    const x = randomHost([2, 3, 3, 260], 9, 'x');
    // 258 output channels: the input gradient dy . W^T contracts over 258 too.
    const w = randomHost([1, 1, 260, 258], 9, 'w');
    const bias = randomHost([258], 9, 'bias');
    expect(await compareKernel([x, w], (xt, wt) => tf.conv2d(xt as tf.Tensor4D, wt as tf.Tensor4D, 1, 'same')), 'conv2d').to.be.at.most(TOL);
    expect(await compareKernel([x, w], (xt, wt) => tf.fused.conv2d({ x: xt as tf.Tensor4D, filter: wt as tf.Tensor4D, strides: 1, pad: 'valid' })), 'fused, no bias').to.be.at.most(TOL);
    expect(await compareKernel([x, w, bias], (xt, wt, bt) => tf.fused.conv2d({ x: xt as tf.Tensor4D, filter: wt as tf.Tensor4D, strides: 1, pad: 'valid', bias: bt, activation: 'relu' })), 'fused, bias + relu (stock)').to.be.at.most(TOL);
    const probe = randomHost([2, 3, 3, 258], 9, 'probe');
    expect(await compareKernel([x, w, probe], (xt, wt, pt) => tf.grad((u) => tf.sum(tf.mul(tf.conv2d(u as tf.Tensor4D, wt as tf.Tensor4D, 1, 'same'), pt!)))(xt!)), 'dx').to.be.at.most(TOL);
  });

  it('clipGradient (relu6 and the quantizers\' STE) matches cpu inclusive and exclusive, with x exactly at the bounds', async () => {
    // 105 elements: vector lanes and a scalar tail; every 7th value sits on a bound.
    const x = randomHost([3, 5, 7], 12, 'x');
    x.values.forEach((v, i) => { x.values[i] = i % 7 === 0 ? (i % 2 === 0 ? -1 : 1) : 2 * v; });
    const dy = randomHost([3, 5, 7], 12, 'dy');
    for (const inclusive of [true, false]) {
      const err = await compareKernel([dy, x], (d, t) => clipGradient(d!, t!, -1, 1, inclusive));
      expect(err, `inclusive ${inclusive}`).to.equal(0);
    }
    const onBounds = tf.tidy(() => Array.from(clipGradient(tf.ones([4]), tf.tensor1d([-1, 1, 0, 2]), -1, 1, true).dataSync()));
    expect(onBounds).to.deep.equal([1, 1, 1, 0]);
    const offBounds = tf.tidy(() => Array.from(clipGradient(tf.ones([4]), tf.tensor1d([-1, 1, 0, 2]), -1, 1, false).dataSync()));
    expect(offBounds).to.deep.equal([0, 0, 1, 0]);
  });

  it('matMul stale-packing bug: stock kernel reuses a packing after a reshape; ours does not', async () => {
    const values = Float32Array.from({ length: 6 }, (_, i) => i + 1);
    const run = (useStock: boolean): number[] => tf.tidy(() => {
      // Packed first as [K=3,N=2], then used as [2,3]: the stale packing writes only 2 of the 3
      // outputs (shapes chosen so the stock kernel never writes past its output buffer).
      const w = tf.tensor2d(values, [3, 2]);
      const call = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => {
        if (!useStock) return tf.matMul(a, b);
        const info = stockWasmKernel('BatchMatMul')!({ inputs: { a: a.reshape([1, ...a.shape]), b: b.reshape([1, ...b.shape]) }, backend: tf.backend(), attrs: { transposeA: false, transposeB: false } });
        return tf.engine().makeTensorFromTensorInfo(info as tf.TensorInfo);
      };
      call(tf.tensor2d([[1, 1, 1]]), w).dataSync();
      return Array.from(call(tf.tensor2d([[1, 1]]), tf.reshape(w, [2, 3])).dataSync());
    });
    // [1,1] x [[1,2,3],[4,5,6]] = [5, 7, 9]
    expect(run(false)).to.deep.equal([5, 7, 9]);
    expect(run(true), 'the stock 4.22 kernel is expected to be wrong here').to.not.deep.equal([5, 7, 9]);
  });

  it('MaxPoolGrad bug: all-negative windows and ties route the gradient like cpu (stock does not)', async () => {
    const x = randomHost([2, 6, 6, 3], 3, 'x');
    x.values.forEach((v, i) => { x.values[i] = -Math.abs(v) - 0.1; });
    x.values.fill(-0.5, 0, 9); // ties: first max wins
    for (const [k, s, pad] of [[2, 2, 'valid'], [3, 2, 'same'], [3, 1, 'same']] as const) {
      const grad = (t: tf.Tensor): tf.Tensor => tf.grad((u) => tf.sum(tf.mul(tf.maxPool(u as tf.Tensor4D, k, s, pad), tf.range(1, 100).slice(0, 1))))(t);
      const err = await compareKernel([x], (t) => grad(t!));
      expect(err, `k${k} s${s} ${pad}`).to.equal(0);
    }
    // odd sizes: the 2x2 fast path leaves the last row and column without gradient
    const odd = randomHost([2, 7, 9, 4], 4, 'odd');
    odd.values.fill(0.25, 10, 30);
    const oddErr = await compareKernel([odd], (t) => tf.grad((u) => tf.sum(tf.mul(tf.maxPool(u as tf.Tensor4D, 2, 2, 'valid'), 3)))(t!));
    expect(oddErr, 'k2 s2 valid on 7x9').to.equal(0);
    // 6 channels: 4 in a vector and 2 scalar; 'same' on odd sizes has windows past the edge (general path)
    const six = randomHost([2, 7, 9, 6], 5, 'six');
    six.values.fill(-0.75, 0, 40);
    for (const pad of ['valid', 'same'] as const) {
      const err = await compareKernel([six], (t) => tf.grad((u) => tf.sum(tf.mul(tf.maxPool(u as tf.Tensor4D, 2, 2, pad), 3)))(t!));
      expect(err, `k2 s2 ${pad} on 7x9x6`).to.equal(0);
    }
    const stock = tf.tidy(() => {
      const xt = tf.tensor4d(x.values, x.shape as [number, number, number, number]);
      const y = tf.maxPool(xt, 2, 2, 'valid');
      const info = stockWasmKernel('MaxPoolGrad')!({ inputs: { dy: tf.onesLike(y), input: xt, output: y }, backend: tf.backend(), attrs: { filterSize: 2, strides: 2, pad: 'valid' } });
      return tf.engine().makeTensorFromTensorInfo(info as tf.TensorInfo).sum().dataSync()[0];
    });
    expect(stock, 'stock 4.22 MaxPoolGrad loses gradient on negative windows').to.not.equal(2 * 3 * 3 * 3);
  });

  it('Tile, Slice, Sum/Mean over leading axes, Identity and the gather gradient match cpu exactly or within 1e-4', async () => {
    const x = randomHost([2, 3, 4, 5], 4, 'x');
    for (const reps of [[1, 1, 1, 1], [2, 1, 3, 1], [1, 2, 1, 2], [3, 2, 2, 1]]) {
      expect(await compareKernel([x], (t) => tf.tile(t!, reps)), `tile ${reps}`).to.equal(0);
    }
    expect(await compareKernel([randomHost([1, 1, 1, 6], 4, 'c')], (t) => tf.tile(t!, [4, 3, 2, 1]))).to.equal(0);
    for (const [begin, size] of [[[0, 0, 0, 0], [2, 3, 4, 5]], [[1, 0, 0, 0], [1, 3, 4, 5]], [[0, 1, 2, 0], [2, 2, 2, 5]], [[1, 2, 3, 4], [1, 1, 1, 1]], [[0, 0, 1, 1], [2, 3, 3, 3]]]) {
      expect(await compareKernel([x], (t) => tf.slice(t!, begin as number[], size as number[])), `slice ${begin} ${size}`).to.equal(0);
    }
    expect(await compareKernel([randomHost([10], 4, 'v')], (t) => tf.slice(t!, 3, 4))).to.equal(0);
    for (const axis of [0, [0, 1], [0, 1, 2], [0, 1, 2, 3], [1, 2], -1]) {
      for (const keep of [false, true]) {
        expect(await compareKernel([x], (t) => [tf.sum(t!, axis, keep), tf.mean(t!, axis, keep)]), `reduce ${axis} ${keep}`).to.be.at.most(TOL);
      }
    }
    expect(await compareKernel([x], (t) => tf.add(tf.clone(t!), 1))).to.equal(0);
    expect(await compareKernel([x], (t) => [tf.cast(t!, 'float32'), tf.cast(tf.cast(t!, 'int32'), 'float32'), tf.cast(tf.greater(t!, 0), 'float32')])).to.equal(0);
    const table = randomHost([7, 4], 5, 't');
    const err = await compareKernel([table], (t) => tf.grad((u) => tf.sum(tf.square(tf.gather(u, tf.tensor1d([0, 3, 3, 6, 1], 'int32')))))(t!));
    expect(err).to.be.at.most(TOL);
    const seg = await compareKernel([randomHost([6, 3], 6, 's')], (t) => tf.unsortedSegmentSum(t!, tf.tensor1d([2, 0, 2, 1, 0, 4], 'int32'), 5));
    expect(seg).to.be.at.most(TOL);
  });

  it('Transpose matches cpu exactly: blocked 2-D, batched 2-D, NHWC->CHWN, size-1 axes and fallbacks', async () => {
    const cases: [number[], number[]][] = [
      [[64, 130], [1, 0]], [[3, 64, 70], [0, 2, 1]], [[4, 8, 9, 70], [3, 1, 2, 0]], [[70, 1, 90], [2, 1, 0]],
      [[2, 5, 64, 66], [0, 1, 3, 2]], [[5, 6, 7, 8, 9], [4, 2, 0, 3, 1]], [[6, 7], [1, 0]], [[8, 128, 64], [1, 0, 2]],
      [[4, 8, 9, 70], [1, 2, 0, 3]], [[16, 16, 33], [2, 0, 1]],
      // cache-blocked path (a 4 KiB-multiple row stride), with row and column tails
      [[1024, 7], [1, 0]], [[7, 1024], [1, 0]], [[3, 1024, 5], [0, 2, 1]], [[2, 6, 2048], [0, 2, 1]], [[2, 1, 1024, 9], [0, 3, 1, 2]],
    ];
    for (const [i, [shape, perm]] of cases.entries()) {
      expect(await compareKernel([randomHost(shape, 20 + i, 't')], (t) => tf.transpose(t!, perm)), `${shape} ${perm}`).to.equal(0);
    }
  });

  it('OneHot with a float dtype gives 1/0 like cpu (the stock wasm kernel writes int32 bits)', async () => {
    const ids = randomHost([6], 7, 'ids');
    const err = await compareKernel([ids], (t) => tf.oneHot(tf.cast(tf.abs(tf.mul(t!, 2)), 'int32'), 5, 1, 0, 'float32'));
    expect(err).to.equal(0);
    const stockSum = tf.tidy(() => {
      const info = stockWasmKernel('OneHot')!({ inputs: { indices: tf.tensor1d([0, 1], 'int32') }, backend: tf.backend(), attrs: { depth: 2, onValue: 1, offValue: 0, dtype: 'float32' } });
      return tf.engine().makeTensorFromTensorInfo(info as tf.TensorInfo).sum().dataSync()[0]!;
    });
    expect(stockSum).to.be.below(1e-30);
  });

  it('Identity is a refcount bump: cloning does not copy, disposing the clone keeps the source', async () => {
    const [before] = await runOn('wasm', [], () => tf.scalar(0));
    expect(before).to.not.equal(undefined);
    const a = tf.tensor1d([1, 2, 3]);
    const bytes = tf.memory().numBytes;
    const b = tf.clone(a);
    expect(tf.memory().numBytes - bytes).to.be.at.most(12);
    b.dispose();
    expect(Array.from(a.dataSync())).to.deep.equal([1, 2, 3]);
    const c = tf.cast(a, 'float32');
    expect((tf.backend() as unknown as { dataIdMap: { get(id: object): { id: number } } }).dataIdMap.get(c.dataId)!.id)
      .to.equal((tf.backend() as unknown as { dataIdMap: { get(id: object): { id: number } } }).dataIdMap.get(a.dataId)!.id, 'same-dtype cast shares the data');
    c.dispose();
    expect(Array.from(a.dataSync())).to.deep.equal([1, 2, 3]);
    a.dispose();
  });
});
