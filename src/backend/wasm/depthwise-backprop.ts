import * as tf from '@tensorflow/tfjs';
import { asTensor, padOrCropHW, registerWasmKernel, wasmBackend, type KernelArgs } from './kernel-utils.js';
import { backpropInputByPhases, phaseFilter } from './transposed-conv.js';

interface DepthwiseAttrs {
  strides: number | [number, number];
  dilations: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function depthwiseInfo(xShape: number[], filterShape: number[], attrs: DepthwiseAttrs, kernel: string): tf.backend_util.Conv2DInfo {
  const d = attrs.dilations;
  if (!(d === undefined || d === 1 || (Array.isArray(d) && d[0] === 1 && d[1] === 1))) {
    throw new Error(`wasm ${kernel}: only dilation 1 is supported (got ${String(d)})`);
  }
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, true);
}

/**
 * dx: per output phase (sub-pixel decomposition, one phase at stride 1), a depthwise correlation
 * of dy with the phase's reversed taps; multiplier m>1 sums over m afterwards.
 */
function depthwiseBackpropInput(args: KernelArgs): tf.TensorInfo {
  const attrs = args.attrs as unknown as DepthwiseAttrs & { inputShape: [number, number, number, number] };
  const dy = asTensor<tf.Rank.R4>(args.inputs['dy'], 'dy');
  const filter = asTensor<tf.Rank.R4>(args.inputs['filter'], 'filter');
  const info = depthwiseInfo(attrs.inputShape, filter.shape, attrs, 'DepthwiseConv2dNativeBackpropInput');
  const [kh, kw, c, m] = filter.shape;
  const backend = wasmBackend(args);
  const flat = tf.reshape(filter, [kh, kw, c * m, 1]) as tf.Tensor4D;
  try {
    const dx = backpropInputByPhases(backend, dy, info, c * m, (x, pad, phase) => {
      const f = phaseFilter(backend, flat, phase, info.strideHeight, info.strideWidth, false);
      return tf.depthwiseConv2d(x, f, 1, pad);
    });
    if (m === 1) return dx;
    const full = asTensor<tf.Rank.R4>(dx, 'dx');
    const [n, h, w] = full.shape;
    const summed = tf.tidy(() => tf.sum(tf.reshape(full, [n, h, w, c, m]), 4));
    full.dispose();
    return summed;
  } finally {
    flat.dispose();
  }
}

/**
 * dW per tap: padded x is viewed as [N, Hq, sh, Wq, sw*C] so that every tap, strided or not, is a
 * plain slice (the stock StridedSlice is slow); times dy, summed over batch and space. Each tap runs
 * in its own tidy so temporaries do not pile up on the heap. m>1 repeats x channels m times first.
 */
function depthwiseBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const attrs = args.attrs as unknown as DepthwiseAttrs & { filterShape: [number, number, number, number] };
  const x = asTensor<tf.Rank.R4>(args.inputs['x'], 'x');
  const dy = asTensor<tf.Rank.R4>(args.inputs['dy'], 'dy');
  const info = depthwiseInfo(x.shape, attrs.filterShape, attrs, 'DepthwiseConv2dNativeBackpropFilter');
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info;
  const { top, left } = info.padInfo;
  const [n, h, w, c] = x.shape;
  const m = attrs.filterShape[3];
  const cm = c * m;
  // Rows/cols of the padded input, rounded up to whole stride periods.
  const hq = Math.floor((kh - 1) / sh) + oh;
  const wq = Math.floor((kw - 1) / sw) + ow;
  return tf.tidy(() => {
    let xm: tf.Tensor4D = x;
    if (m > 1) xm = tf.reshape(tf.tile(tf.reshape(x, [n, h, w, c, 1]), [1, 1, 1, 1, m]), [n, h, w, cm]);
    const xp = padOrCropHW(xm, top, hq * sh - h - top, left, wq * sw - w - left);
    const phased = tf.reshape(xp, [n, hq, sh, wq, sw * cm]);
    const taps: tf.Tensor1D[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        taps.push(tf.tidy(() => {
          const window = tf.slice(phased, [0, Math.floor(i / sh), i % sh, Math.floor(j / sw), (j % sw) * cm], [n, oh, 1, ow, cm]);
          return tf.sum(tf.mul(tf.reshape(window, [n, oh, ow, cm]), dy), [0, 1, 2]) as tf.Tensor1D;
        }));
      }
    }
    return tf.reshape(tf.stack(taps), [kh, kw, c, m]);
  });
}

export function registerDepthwiseBackpropKernels(): void {
  registerWasmKernel(tf.DepthwiseConv2dNativeBackpropInput, (args) => depthwiseBackpropInput(args));
  registerWasmKernel(tf.DepthwiseConv2dNativeBackpropFilter, (args) => depthwiseBackpropFilter(args));
}
