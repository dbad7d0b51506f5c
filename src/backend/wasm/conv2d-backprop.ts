import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { asTensor, makeOutput, registerWasmKernel, wasmBackend, type KernelArgs } from './kernel-utils.js';
import { heapOffset, releqKernels } from './releq-kernels.js';
import { backpropInputByPhases, cropForPads, phaseFilter } from './transposed-conv.js';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
interface ConvAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function convInfo(xShape: number[], filterShape: number[], attrs: ConvAttrs, kernel: string): tf.backend_util.Conv2DInfo {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') {
    throw new Error(`wasm ${kernel}: only NHWC is supported (got ${attrs.dataFormat})`);
  }
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
}

/**
 * Every 1x1 tap of a stride-s conv reads x at rows/cols 0, s, 2s, ...: with H, W multiples of s,
 * a reshape to [N, H/s, s, W/s, s*C] and a plain slice (fast on the heap) pick them; the stock
 * StridedSlice (~50 ms for 128x32x32x16) is the fallback.
 */
function subsample(x: tf.Tensor4D, oh: number, ow: number, sh: number, sw: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  if (sh === 1 && sw === 1 && oh === h && ow === w) return x;
  if (h % sh === 0 && w % sw === 0 && oh <= h / sh && ow <= w / sw) {
    const phased = tf.reshape(x, [n, h / sh, sh, w / sw, sw * c]);
    return tf.reshape(tf.slice(phased, [0, 0, 0, 0, 0], [n, oh, 1, ow, c]), [n, oh, ow, c]);
  }
  return tf.stridedSlice(x, [0, 0, 0, 0], [n, (oh - 1) * sh + 1, (ow - 1) * sw + 1, c], [1, sh, sw, 1]) as tf.Tensor4D;
}

/**
 * Weight count above which the threaded build's XNNPACK conv trick (on all threads) beats releq's
 * single-threaded kernel (`npm run bench:kernels -- --threads=2`): VGG-11's 3x3 512->512 (2.4M
 * weights) and MobileNet's 1x1 512->512 (262k) ran at 0.56x and 0.62x on ours, ResNet-20's layers
 * (<= 37k) at 1.2-2.5x and MobileNet's 1x1 64->128 at 2.3x; LeNet's 5x5 20->50 (25k, 0.81x) is the
 * exception the rule misses.
 */
const THREADED_XNNPACK_MIN_WEIGHTS = 1 << 18;

/**
 * dW: releq's wasm kernel reads x and dy in place (no transposes, no packing of dy as a "filter",
 * which cost XNNPACK ~7 ns per element of dy on every call); 2-3x the conv trick on one thread.
 */
function conv2dBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
  const x = asTensor<tf.Rank.R4>(args.inputs['x'], 'x');
  const dy = asTensor<tf.Rank.R4>(args.inputs['dy'], 'dy');
  const info = convInfo(x.shape, attrs.filterShape, attrs, 'Conv2DBackpropFilter');
  const backend = wasmBackend(args);
  const [kh, kw, cin, cout] = attrs.filterShape;
  if (releqKernels(backend).threaded && kh * kw * cin * cout >= THREADED_XNNPACK_MIN_WEIGHTS) return filterGradByConvTrick(x, dy, info);
  return filterGradByReleq(backend, x, dy, info);
}

/** dW by releq's kernel on the calling thread. Exported for bench:kernels. */
export function filterGradByReleq(backend: BackendWasm, x: tf.Tensor4D, dy: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { filterHeight: kh, filterWidth: kw, inChannels: cin, outChannels: cout } = info;
  const out = makeOutput(backend, [kh, kw, cin, cout], 'float32');
  const [n, h, w] = x.shape;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  // A 1x1, stride-1, unpadded conv pairs pixel p of x with pixel p of dy: pass all pixels as one row.
  const pointwise = kh === 1 && kw === 1 && sh === 1 && sw === 1 && top === 0 && left === 0 && oh === h && ow === w;
  const [gn, gh, gw, goh, gow] = pointwise ? [1, 1, n * h * w, 1, n * h * w] : [n, h, w, oh, ow];
  releqKernels(backend).conv2d_filter_grad(heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, out), gn, gh, gw, cin,
    goh, gow, cout, kh, kw, sh, sw, info.dilationHeight, info.dilationWidth, top, left);
  return out;
}

/**
 * dW "conv trick" (XNNPACK, all threads): x as [Cin,H,W,N] correlated with dy as a [OH,OW,N,Cout]
 * filter, dilated by the forward stride, gives [Cin,KH,KW,Cout]; the conv pads x itself (explicit
 * padding, no padded copy). 1x1 filters use one GEMM instead. Exported for bench:kernels.
 */
export function filterGradByConvTrick(x: tf.Tensor4D, dy: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info;
  const { top, left } = info.padInfo;
  const [n, h, w, cin] = x.shape;
  const cout = dy.shape[3];
  return tf.tidy(() => {
    if (kh === 1 && kw === 1 && top === 0 && left === 0) {
      const xs = subsample(x, oh, ow, sh, sw);
      const m = n * oh * ow;
      const dw = tf.matMul(tf.reshape(xs, [m, cin]), tf.reshape(dy, [m, cout]), true, false);
      return tf.reshape(dw, [1, 1, cin, cout]);
    }
    // Extra rows/cols needed on the bottom/right so the correlation yields exactly KH x KW taps.
    const bottom = kh + (oh - 1) * sh - h - top;
    const right = kw + (ow - 1) * sw - w - left;
    const { x: xc, pad } = cropForPads(x, { top, bottom, left, right });
    const xT = tf.transpose(xc, [3, 1, 2, 0]);
    const dyT = tf.transpose(dy, [1, 2, 0, 3]);
    const taps = tf.conv2d(xT, dyT, 1, pad, 'NHWC', [sh, sw]);
    return tf.transpose(taps, [1, 2, 0, 3]);
  });
}

/**
 * dx: per output phase (sub-pixel decomposition, one phase at stride 1), a stride-1 correlation of
 * dy with the phase's reversed, [KH',KW',Cout,Cin] taps; XNNPACK pads dy itself.
 */
function conv2dBackpropInput(args: KernelArgs): tf.TensorInfo {
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
  const dy = asTensor<tf.Rank.R4>(args.inputs['dy'], 'dy');
  const filter = asTensor<tf.Rank.R4>(args.inputs['filter'], 'filter');
  const info = convInfo(attrs.inputShape, filter.shape, attrs, 'Conv2DBackpropInput');
  const [kh, kw, cin, cout] = filter.shape;
  if (kh === 1 && kw === 1 && info.strideHeight === 1 && info.strideWidth === 1 && info.outHeight === info.inHeight && info.outWidth === info.inWidth) {
    return tf.tidy(() => {
      // 1x1 stride 1: dx = dy . W^T as one GEMM (no reverse, no padding).
      const [n, h, w] = attrs.inputShape;
      const dx = tf.matMul(tf.reshape(dy, [n * h * w, cout]), tf.reshape(filter, [cin, cout]), false, true);
      return tf.reshape(dx, [n, h, w, cin]);
    });
  }
  const backend = wasmBackend(args);
  const { strideHeight: sh, strideWidth: sw, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
  if (sh === 1 && sw === 1 && h * w > 1.5 * oh * ow) return col2imBackpropInput(backend, dy, filter, info);
  return backpropInputByPhases(backend, dy, info, cin, (x, pad, phase) => {
    const f = phaseFilter(backend, filter, phase, info.strideHeight, info.strideWidth, true);
    return tf.conv2d(x, f, 1, pad);
  });
}

/**
 * dx of a stride-1 conv whose output is much smaller than its input (LeNet's 5x5 'valid'): the
 * full correlation over padded dy would do H*W/(OH*OW) times the useful work (2.25x), so compute
 * the per-pixel columns dy . W^T ([N*OH*OW, KH*KW*Cin], one GEMM) and scatter-add them (col2im).
 */
function col2imBackpropInput(backend: BackendWasm, dy: tf.Tensor4D, filter: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const [kh, kw, cin, cout] = filter.shape;
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
  const { top, left } = info.padInfo;
  const cols = tf.tidy(() => tf.matMul(tf.reshape(dy, [n * oh * ow, cout]), tf.reshape(filter, [kh * kw * cin, cout]), false, true));
  try {
    const out = makeOutput(backend, [n, h, w, cin], 'float32');
    releqKernels(backend).col2im_add(heapOffset(backend, cols), heapOffset(backend, out), n, h, w, cin, oh, ow, kh, kw, top, left);
    return out;
  } finally {
    cols.dispose();
  }
}

export function registerConv2dBackpropKernels(): void {
  registerWasmKernel(tf.Conv2DBackpropFilter, (args) => conv2dBackpropFilter(args));
  registerWasmKernel(tf.Conv2DBackpropInput, (args) => conv2dBackpropInput(args));
}
