import * as tf from '@tensorflow/tfjs';
import { asTensor, registerWasmKernel, type KernelArgs } from './kernel-utils.js';

/** Gather's gradient: oneHot(ids)^T @ x (ids out of range contribute nothing, as on cpu). */
function unsortedSegmentSum(args: KernelArgs): tf.TensorInfo {
  const x = asTensor(args.inputs['x'], 'x');
  const ids = asTensor(args.inputs['segmentIds'], 'segmentIds');
  const numSegments = (args.attrs as unknown as { numSegments: number }).numSegments;
  return tf.tidy(() => {
    const k = ids.size;
    const inner = x.shape.slice(ids.rank);
    const rows = tf.reshape(tf.cast(x, 'float32'), [k, inner.reduce((p, d) => p * d, 1)]);
    const oneHot = tf.oneHot(tf.reshape(tf.cast(ids, 'int32'), [k]), numSegments, 1, 0, 'float32');
    const summed = tf.reshape(tf.matMul(oneHot, rows, true, false), [numSegments, ...inner]);
    return x.dtype === 'float32' ? summed : tf.cast(summed, x.dtype);
  });
}

export function registerUnsortedSegmentSumKernel(): void {
  registerWasmKernel(tf.UnsortedSegmentSum, (args) => unsortedSegmentSum(args));
}
