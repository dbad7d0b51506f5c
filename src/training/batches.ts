import * as tf from '@tensorflow/tfjs';
import type { ImageSplit } from '../registry/contracts/dataset.js';

/** What turns stored bytes into network input: shape and per-channel (pixel/255 - mean) / std. */
export interface InputSpec {
  readonly shape: readonly [number, number, number];
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/**
 * The images at `indices[start, end)` as a normalised float32 NHWC batch and their int32 labels.
 * Normalisation runs in JS on the bytes (one pass), so no intermediate tensors are created.
 */
export function makeBatch(split: ImageSplit, indices: ArrayLike<number>, start: number, end: number, spec: InputSpec): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const [h, w, c] = spec.shape;
  const pixels = h * w * c;
  const n = end - start;
  const buf = new Float32Array(n * pixels);
  const labels = new Int32Array(n);
  const scale = spec.std.map((s) => 1 / (255 * s));
  const shift = spec.mean.map((m, ch) => m / spec.std[ch]!);
  for (let i = 0; i < n; i++) {
    const src = indices[start + i]!;
    const from = src * pixels;
    const to = i * pixels;
    for (let p = 0; p < pixels; p++) {
      const ch = p % c;
      buf[to + p] = split.images[from + p]! * scale[ch]! - shift[ch]!;
    }
    labels[i] = split.labels[src]!;
  }
  return { x: tf.tensor4d(buf, [n, h, w, c]), y: tf.tensor1d(labels, 'int32') };
}

/** 0..count-1 (evaluation order). */
export function identityOrder(count: number): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => i);
}
