import * as tf from '@tensorflow/tfjs';
import { asTensor, makeOutput, registerWasmKernel, wasmBackend, type KernelArgs } from './kernel-utils.js';
import { heapOffset, releqKernels } from './releq-kernels.js';
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
 * dx: multiplier 1 (MobileNet) by releq's wasm kernel, gathering per input pixel the dy of every
 * window that covers it (strided convs skip the other taps). m>1: per output phase (sub-pixel
 * decomposition), a depthwise correlation of dy with the phase's reversed taps, summed over m.
 */
function depthwiseBackpropInput(args: KernelArgs): tf.TensorInfo {
  const attrs = args.attrs as unknown as DepthwiseAttrs & { inputShape: [number, number, number, number] };
  const dy = asTensor<tf.Rank.R4>(args.inputs['dy'], 'dy');
  const filter = asTensor<tf.Rank.R4>(args.inputs['filter'], 'filter');
  const info = depthwiseInfo(attrs.inputShape, filter.shape, attrs, 'DepthwiseConv2dNativeBackpropInput');
  const [kh, kw, c, m] = filter.shape;
  const backend = wasmBackend(args);
  if (m === 1) {
    const [n, h, w] = attrs.inputShape;
    const out = makeOutput(backend, [n, h, w, c], 'float32');
    releqKernels(backend).depthwise_input_grad(heapOffset(backend, dy), heapOffset(backend, filter), heapOffset(backend, out), n, h, w, c,
      info.outHeight, info.outWidth, kh, kw, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left);
    return out;
  }
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

/** dW: releq's wasm kernel, in place on the heap (the per-tap slice, multiply and sum it replaces cost ~20x more). */
function depthwiseBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const attrs = args.attrs as unknown as DepthwiseAttrs & { filterShape: [number, number, number, number] };
  const x = asTensor<tf.Rank.R4>(args.inputs['x'], 'x');
  const dy = asTensor<tf.Rank.R4>(args.inputs['dy'], 'dy');
  const info = depthwiseInfo(x.shape, attrs.filterShape, attrs, 'DepthwiseConv2dNativeBackpropFilter');
  const backend = wasmBackend(args);
  const [kh, kw, c, m] = attrs.filterShape;
  const [n, h, w] = x.shape;
  const out = makeOutput(backend, [kh, kw, c, m], 'float32');
  releqKernels(backend).depthwise_filter_grad(heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, out), n, h, w, c,
    info.outHeight, info.outWidth, m, kh, kw, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left);
  return out;
}

export function registerDepthwiseBackpropKernels(): void {
  registerWasmKernel(tf.DepthwiseConv2dNativeBackpropInput, (args) => depthwiseBackpropInput(args));
  registerWasmKernel(tf.DepthwiseConv2dNativeBackpropFilter, (args) => depthwiseBackpropFilter(args));
}
