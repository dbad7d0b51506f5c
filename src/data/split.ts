import type { ImageSplit } from '../registry/contracts/dataset.js';
import { Rng } from '../services/rng.js';

/** The images at `indices`, in that order. */
export function subset(split: ImageSplit, indices: ArrayLike<number>, pixelsPerImage: number): ImageSplit {
  const images = new Uint8Array(indices.length * pixelsPerImage);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i]!;
    images.set(split.images.subarray(src * pixelsPerImage, (src + 1) * pixelsPerImage), i * pixelsPerImage);
    labels[i] = split.labels[src]!;
  }
  return { images, labels, count: indices.length };
}

/**
 * Holds out round(fraction * count) images of the training set as the validation split. Which images
 * depends only on (seed, count), so every run with the same seed measures on the same images.
 * Both parts keep the original order.
 */
export function holdOut(all: ImageSplit, fraction: number, seed: number, pixelsPerImage: number): { train: ImageSplit; validation: ImageSplit } {
  const order = Array.from({ length: all.count }, (_, i) => i);
  Rng.stream(seed, 'data/validation-split').shuffle(order);
  const k = Math.round(fraction * all.count);
  const validation = order.slice(0, k).sort((a, b) => a - b);
  const train = order.slice(k).sort((a, b) => a - b);
  return { train: subset(all, train, pixelsPerImage), validation: subset(all, validation, pixelsPerImage) };
}

/** Per-channel mean and standard deviation of pixel/255 (over NHWC bytes). */
export function channelStats(split: ImageSplit, channels: number): { mean: number[]; std: number[] } {
  const sum = new Float64Array(channels);
  const sq = new Float64Array(channels);
  const { images } = split;
  for (let i = 0; i < images.length; i++) {
    const v = images[i]! / 255;
    const ch = i % channels;
    sum[ch]! += v;
    sq[ch]! += v * v;
  }
  const n = images.length / channels;
  const mean = Array.from(sum, (s) => (n > 0 ? s / n : 0));
  const std = Array.from(sq, (s, ch) => {
    const variance = n > 0 ? s / n - mean[ch]! ** 2 : 0;
    return Math.sqrt(Math.max(variance, 0)) || 1; // a constant channel must not divide by zero
  });
  return { mean, std };
}

/** `limit` images evenly strided over the split (class-per-folder data is stored class after class). */
export function strided(split: ImageSplit, limit: number | null): ImageSplit {
  if (limit === null || limit >= split.count) return split;
  const indices = Array.from({ length: limit }, (_, i) => Math.floor((i * split.count) / limit));
  return subset(split, indices, split.images.length / split.count);
}
