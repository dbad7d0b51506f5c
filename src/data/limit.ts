import type { ImageSplit } from '../registry/contracts/dataset.js';
import { Rng } from '../services/rng.js';
import { subset } from './split.js';

/**
 * `limit` images drawn without replacement by `seed` (all when null or larger), kept in file order.
 * Drawn rather than the first N because class-per-folder copies are stored class after class.
 */
export function limitImages(split: ImageSplit, limit: number | null, pixelsPerImage: number, seed: number): ImageSplit {
  if (limit === null || limit >= split.count) return split;
  const order = Array.from({ length: split.count }, (_, i) => i);
  Rng.stream(seed, 'data/limit').shuffle(order);
  return subset(split, order.slice(0, limit).sort((a, b) => a - b), pixelsPerImage);
}
