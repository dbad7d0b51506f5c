import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageSplit } from '../registry/contracts/dataset.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/**
 * Decoded images on disk: `<dir>/<part>.bin` holds the image bytes then the labels (int32 LE), and
 * `<dir>/<part>.json` their count. The JSON is written last, so a half-written cache is never read.
 */
export function saveDecoded(dir: string, part: string, split: ImageSplit): void {
  const labelBytes = new Uint8Array(split.labels.buffer, split.labels.byteOffset, split.labels.byteLength);
  const bin = new Uint8Array(split.images.length + labelBytes.length);
  bin.set(split.images, 0);
  bin.set(labelBytes, split.images.length);
  writeFileAtomic(join(dir, `${part}.bin`), bin);
  writeFileAtomic(join(dir, `${part}.json`), JSON.stringify({ count: split.count, imageBytes: split.images.length }));
}

/** The cached split, or null when absent or inconsistent (then the caller decodes again). */
export function loadDecoded(dir: string, part: string): ImageSplit | null {
  const meta = join(dir, `${part}.json`);
  const bin = join(dir, `${part}.bin`);
  if (!existsSync(meta) || !existsSync(bin)) return null;
  const { count, imageBytes } = JSON.parse(readFileSync(meta, 'utf8')) as { count: number; imageBytes: number };
  const bytes = readFileSync(bin);
  if (bytes.length !== imageBytes + 4 * count) return null;
  const images = new Uint8Array(imageBytes);
  images.set(bytes.subarray(0, imageBytes));
  const labels = new Int32Array(count);
  new Uint8Array(labels.buffer).set(bytes.subarray(imageBytes));
  return { images, labels, count };
}
