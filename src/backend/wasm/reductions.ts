import * as tf from '@tensorflow/tfjs';
import { asTensor, registerWasmKernel, type KernelArgs } from './kernel-utils.js';

/**
 * Sum/Mean over leading axes (bias and batch-norm gradients): the stock kernel transposes the
 * reduced axes innermost first; an XNNPACK average pool over a [1,M,1,C] view does it in one pass.
 */
function leadingReduce(args: KernelArgs, original: tf.KernelFunc | undefined, isSum: boolean): tf.TensorInfo {
  const x = asTensor(args.inputs['x'], 'x');
  const attrs = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
  const axes = tf.util.parseAxisParam(attrs.axis, x.shape).sort((p, q) => p - q);
  const leading = axes.length > 0 && axes.every((a, i) => a === i);
  if (x.dtype !== 'float32' || !leading || x.rank === 0) return original!(args) as tf.TensorInfo;
  const k = axes.length;
  const m = x.shape.slice(0, k).reduce((p, d) => p * d, 1);
  const rest = x.shape.slice(k);
  const c = rest.reduce((p, d) => p * d, 1);
  if (m === 1 || c === 0) return original!(args) as tf.TensorInfo;
  const outShape = attrs.keepDims ? [...x.shape.slice(0, k).map(() => 1), ...rest] : rest;
  return tf.tidy(() => {
    const mean = tf.avgPool(tf.reshape(x, [1, m, 1, c]) as tf.Tensor4D, [m, 1], 1, 'valid');
    return tf.reshape(isSum ? tf.mul(mean, m) : mean, outShape);
  });
}

export function registerReductionKernels(): void {
  registerWasmKernel(tf.Sum, (args, original) => leadingReduce(args, original, true));
  registerWasmKernel(tf.Mean, (args, original) => leadingReduce(args, original, false));
}
