import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReleqError } from '../../src/errors.js';
import { definePlugin } from '../../src/registry/plugin.js';
import type { ImageSplit } from '../../src/registry/contracts/dataset.js';
import { assembleDataset } from '../../src/data/assemble.js';
import { once, splitOptionsSchema, splitSeedOf, type SplitOptions } from '../../src/data/common-options.js';
import { downloadFile } from '../../src/data/download.js';
import { limitImages } from '../../src/data/limit.js';
import { readMatV5 } from '../../src/data/mat-v5.js';

export interface SvhnOptions extends SplitOptions {
  readonly folder: string;
  /** Add the 531,131 "extra" images to the training set, as some SVHN papers do. */
  readonly useExtra: boolean;
  readonly download: boolean;
  readonly url: string;
}

/**
 * Reads an SVHN cropped-digits file: X is 32x32x3xN uint8 in MATLAB's column-major order,
 * y is Nx1 with labels 1..10 where 10 stands for the digit 0.
 */
export function readSvhnMat(bytes: Uint8Array, source: string): ImageSplit {
  const vars = readMatV5(bytes, source);
  const X = vars.get('X');
  const y = vars.get('y');
  if (X === undefined || y === undefined) {
    throw new ReleqError('data', `${source}: expected variables X and y, found ${[...vars.keys()].join(', ') || 'none'}`);
  }
  const [h, w, c, n] = X.dims;
  if (X.dims.length !== 4 || h !== 32 || w !== 32 || c !== 3) {
    throw new ReleqError('data', `${source}: X must be 32x32x3xN, found ${X.dims.join('x')}`);
  }
  const count = n!;
  if (y.data.length !== count) throw new ReleqError('data', `${source}: ${y.data.length} labels for ${count} images`);
  const images = new Uint8Array(count * 3072);
  const labels = new Int32Array(count);
  const src = X.data;
  for (let i = 0; i < count; i++) {
    const label = Number(y.data[i]);
    if (!Number.isInteger(label) || label < 1 || label > 10) throw new ReleqError('data', `${source}: label ${label} of image ${i} is outside 1..10`);
    labels[i] = label % 10;
    const base = i * 3072;
    // MATLAB index (r, col, ch, i) = r + 32 * (col + 32 * (ch + 3 * i)); NHWC wants (r * 32 + col) * 3 + ch.
    for (let ch = 0; ch < 3; ch++) {
      for (let col = 0; col < 32; col++) {
        const from = 32 * (col + 32 * (ch + 3 * i));
        for (let r = 0; r < 32; r++) images[base + (r * 32 + col) * 3 + ch] = Number(src[from + r]);
      }
    }
  }
  return { images, labels, count };
}

function concat(parts: readonly ImageSplit[]): ImageSplit {
  const count = parts.reduce((a, p) => a + p.count, 0);
  const images = new Uint8Array(count * 3072);
  const labels = new Int32Array(count);
  let n = 0;
  for (const p of parts) {
    images.set(p.images, n * 3072);
    labels.set(p.labels, n);
    n += p.count;
  }
  return { images, labels, count };
}

export const svhnDatasetPlugin = definePlugin<'dataset', SvhnOptions>({
  kind: 'dataset',
  name: 'svhn',
  description: 'SVHN cropped digits, 32x32x3, 10 classes (official MATLAB level-5 .mat files)',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      folder: { type: 'string', default: 'svhn', description: 'Folder under the data directory with train_32x32.mat and test_32x32.mat.' },
      useExtra: { type: 'boolean', default: false, description: 'Append extra_32x32.mat to the training set.' },
      download: { type: 'boolean', default: true, description: 'Download the official files when they are missing.' },
      url: { type: 'string', default: 'http://ufldl.stanford.edu/housenumbers/', description: 'Base URL of the official .mat files.' },
      ...splitOptionsSchema,
    },
  },
  create(options, ctx) {
    const file = async (name: string): Promise<ImageSplit> => {
      const path = join(ctx.paths.dataDir, options.folder, name);
      if (!existsSync(path)) {
        if (!options.download) {
          throw new ReleqError('data', `SVHN file not found: ${path}`, {
            hint: `download ${options.url}${name} into ${join(ctx.paths.dataDir, options.folder)}, or set dataset.download=true`,
          });
        }
        await downloadFile(`${options.url}${name}`, path, ctx.logger, ctx.signal);
      }
      return readSvhnMat(readFileSync(path), path);
    };
    return {
      load: once(async () => {
        const train = await file('train_32x32.mat');
        const trainAll = options.useExtra ? concat([train, await file('extra_32x32.mat')]) : train;
        const seed = splitSeedOf(options, ctx);
        return assembleDataset({
          name: 'svhn', shape: [32, 32, 3], numClasses: 10,
          trainAll: limitImages(trainAll, options.trainLimit, 3072, seed),
          test: limitImages(await file('test_32x32.mat'), options.testLimit, 3072, seed),
          validationFraction: options.validationFraction,
          splitSeed: seed,
          source: { format: 'mat-v5', useExtra: options.useExtra, trainLimit: options.trainLimit, testLimit: options.testLimit },
        });
      }),
    };
  },
});
