import { ReleqError } from '../errors.js';
import type { ImageSplit } from '../registry/contracts/dataset.js';

/** CIFAR-10 binary record: 1 label byte, then 1024 red, 1024 green, 1024 blue bytes (row-major 32x32). */
export const CIFAR_RECORD_BYTES = 1 + 3 * 32 * 32;

/** Parses concatenated CIFAR-10 binary batches into NHWC images and labels. */
export function parseCifarBinary(parts: readonly Uint8Array[], source = 'CIFAR-10 batch'): ImageSplit {
  let count = 0;
  for (const p of parts) {
    if (p.length % CIFAR_RECORD_BYTES !== 0) {
      throw new ReleqError('data', `${source}: ${p.length} bytes is not a whole number of ${CIFAR_RECORD_BYTES}-byte records`, {
        hint: 'the batch file is damaged or not the binary version: download cifar-10-binary.tar.gz again',
      });
    }
    count += p.length / CIFAR_RECORD_BYTES;
  }
  const images = new Uint8Array(count * 3072);
  const labels = new Int32Array(count);
  let n = 0;
  for (const p of parts) {
    for (let off = 0; off < p.length; off += CIFAR_RECORD_BYTES, n++) {
      const label = p[off]!;
      if (label > 9) throw new ReleqError('data', `${source}: label ${label} at record ${n} is outside 0..9`);
      labels[n] = label;
      const base = n * 3072;
      for (let px = 0; px < 1024; px++) {
        images[base + px * 3] = p[off + 1 + px]!;
        images[base + px * 3 + 1] = p[off + 1 + 1024 + px]!;
        images[base + px * 3 + 2] = p[off + 1 + 2048 + px]!;
      }
    }
  }
  return { images, labels, count };
}

/** Encodes NHWC 32x32x3 images as one CIFAR-10 binary batch (tests and tools). */
export function encodeCifarBinary(split: ImageSplit): Uint8Array {
  const out = new Uint8Array(split.count * CIFAR_RECORD_BYTES);
  for (let n = 0; n < split.count; n++) {
    const off = n * CIFAR_RECORD_BYTES;
    out[off] = split.labels[n]!;
    for (let px = 0; px < 1024; px++) {
      for (let ch = 0; ch < 3; ch++) out[off + 1 + ch * 1024 + px] = split.images[n * 3072 + px * 3 + ch]!;
    }
  }
  return out;
}
