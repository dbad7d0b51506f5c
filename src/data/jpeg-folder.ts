import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { ReleqError } from '../errors.js';
import type { ImageSplit } from '../registry/contracts/dataset.js';
import { centerCropResize } from './image-resize.js';

const IMAGE_EXT = /\.(jpe?g)$/i;

/** One image to read and its class index. */
export interface LabelledFile {
  readonly path: string;
  readonly label: number;
}

/**
 * Lists `<dir>/<class>/*.jpg` with classes in alphabetical order (CIFAR-10's official order is
 * alphabetical too: airplane, automobile, ..., truck). Files are sorted so the order is stable.
 */
export function listClassFolders(dir: string): { files: LabelledFile[]; classes: string[] } {
  if (!existsSync(dir)) throw new ReleqError('data', `image folder not found: ${dir}`);
  const classes = readdirSync(dir).filter((d) => statSync(join(dir, d)).isDirectory()).sort();
  if (classes.length === 0) {
    throw new ReleqError('data', `${dir} has no class folders`, { hint: 'expected <dir>/<class>/*.jpg' });
  }
  const files: LabelledFile[] = [];
  classes.forEach((cls, label) => {
    for (const f of readdirSync(join(dir, cls)).filter((n) => IMAGE_EXT.test(n)).sort()) {
      files.push({ path: join(dir, cls, f), label });
    }
  });
  return { files, classes };
}

/** Parses a labels file of `file label` lines (blank lines and # comments skipped). */
export function parseLabelsFile(text: string, dir: string, source = 'labels file'): LabelledFile[] {
  const out: LabelledFile[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) return;
    const m = /^(\S+)\s+(-?\d+)$/.exec(t);
    if (m === null) {
      throw new ReleqError('data', `${source}:${i + 1}: expected "file label", got "${t}"`);
    }
    const label = Number(m[2]);
    if (label < 0) throw new ReleqError('data', `${source}:${i + 1}: negative label ${label}`);
    out.push({ path: join(dir, m[1]!), label });
  });
  return out;
}

/** Decodes one JPEG to RGB bytes. */
export function decodeJpeg(bytes: Uint8Array, source: string): { width: number; height: number; data: Uint8Array } {
  try {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 1024 });
    return { width: img.width, height: img.height, data: img.data };
  } catch (err) {
    throw new ReleqError('data', `${source}: cannot decode JPEG (${(err as Error).message})`, { cause: err });
  }
}

/** Decodes the files into size x size x 3 NHWC bytes (center crop + bilinear resize when sizes differ). */
export function decodeJpegFiles(
  files: readonly LabelledFile[],
  size: number,
  cropFraction: number,
  onProgress?: (done: number, total: number) => void,
): ImageSplit {
  const images = new Uint8Array(files.length * size * size * 3);
  const labels = new Int32Array(files.length);
  files.forEach((f, i) => {
    if (!existsSync(f.path)) throw new ReleqError('data', `image listed but missing: ${f.path}`);
    const img = decodeJpeg(readFileSync(f.path), f.path);
    const offset = i * size * size * 3;
    if (img.width === size && img.height === size && cropFraction === 1) {
      images.set(img.data, offset);
    } else {
      centerCropResize({ ...img, channels: 3 }, size, cropFraction, images, offset);
    }
    labels[i] = f.label;
    if (onProgress !== undefined && (i % 1000 === 999 || i === files.length - 1)) onProgress(i + 1, files.length);
  });
  return { images, labels, count: files.length };
}
