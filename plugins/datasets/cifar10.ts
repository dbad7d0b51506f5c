import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReleqError } from '../../src/errors.js';
import { definePlugin } from '../../src/registry/plugin.js';
import type { ImageSplit } from '../../src/registry/contracts/dataset.js';
import type { Logger } from '../../src/services/logger.js';
import { assembleDataset } from '../../src/data/assemble.js';
import { parseCifarBinary } from '../../src/data/cifar-binary.js';
import { findFolder, once, splitOptionsSchema, splitSeedOf, type SplitOptions } from '../../src/data/common-options.js';
import { loadDecoded, saveDecoded } from '../../src/data/decoded-cache.js';
import { downloadFile, extractTarGz } from '../../src/data/download.js';
import { decodeJpegFiles, listClassFolders } from '../../src/data/jpeg-folder.js';
import { limitImages } from '../../src/data/limit.js';
import { canonicalJson, sha256 } from '../../src/util/json.js';

export interface Cifar10Options extends SplitOptions {
  /** null = the first of cifar10, cifar-10-batches-bin, cifar10-jpeg that exists. */
  readonly folder: string | null;
  readonly download: boolean;
  readonly url: string;
}

const CANDIDATES = ['cifar10', 'cifar10/cifar-10-batches-bin', 'cifar-10-batches-bin', 'cifar10-jpeg'];
const BATCHES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
const isBinary = (dir: string): boolean => [...BATCHES, 'test_batch.bin'].every((f) => existsSync(join(dir, f)));
const isJpeg = (dir: string): boolean => existsSync(join(dir, 'train')) && existsSync(join(dir, 'test'));

function readBinary(dir: string): { trainAll: ImageSplit; test: ImageSplit } {
  return {
    trainAll: parseCifarBinary(BATCHES.map((b) => readFileSync(join(dir, b))), join(dir, 'data_batch_*.bin')),
    test: parseCifarBinary([readFileSync(join(dir, 'test_batch.bin'))], join(dir, 'test_batch.bin')),
  };
}

/** Decodes train/<class>/*.jpg and test/<class>/*.jpg once, then reads the decoded arrays from the cache. */
function readJpeg(dir: string, cacheDir: string, logger: Logger): { trainAll: ImageSplit; test: ImageSplit } {
  const parts = { train: listClassFolders(join(dir, 'train')), test: listClassFolders(join(dir, 'test')) };
  for (const p of Object.values(parts)) {
    if (p.classes.length !== 10) throw new ReleqError('data', `${dir}: expected 10 class folders, found ${p.classes.length}`);
  }
  const key = sha256(canonicalJson({ dir, train: parts.train.files.length, test: parts.test.files.length, classes: parts.train.classes })).slice(0, 16);
  const cache = join(cacheDir, 'datasets', `cifar10-jpeg-${key}`);
  const decode = (part: 'train' | 'test'): ImageSplit => {
    const cached = loadDecoded(cache, part);
    if (cached !== null) return cached;
    logger.info(`cifar10: decoding ${parts[part].files.length} ${part} JPEGs from ${dir} (once; cached in ${cache})`);
    const split = decodeJpegFiles(parts[part].files, 32, 1);
    saveDecoded(cache, part, split);
    return split;
  };
  return { trainAll: decode('train'), test: decode('test') };
}

export const cifar10Plugin = definePlugin<'dataset', Cifar10Options>({
  kind: 'dataset',
  name: 'cifar10',
  description: 'CIFAR-10, 32x32x3, 10 classes (official binary batches or a class-per-folder JPEG copy)',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      folder: {
        type: ['string', 'null'], default: null,
        description: 'Folder under the data directory with data_batch_*.bin or train/<class>/*.jpg; null tries cifar10, cifar-10-batches-bin, cifar10-jpeg.',
      },
      download: { type: 'boolean', default: true, description: 'Download and extract the official binary release when no copy is found.' },
      url: {
        type: 'string', default: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
        description: 'Where the official binary release is downloaded from.',
      },
      ...splitOptionsSchema,
    },
  },
  create(options, ctx) {
    const locate = async (): Promise<{ dir: string; format: 'binary' | 'jpeg' }> => {
      const candidates = options.folder === null ? CANDIDATES : [options.folder, `${options.folder}/cifar-10-batches-bin`];
      const bin = findFolder(ctx.paths.dataDir, candidates, isBinary);
      if (bin !== null) return { dir: bin, format: 'binary' };
      const jpg = findFolder(ctx.paths.dataDir, candidates, isJpeg);
      if (jpg !== null) return { dir: jpg, format: 'jpeg' };
      const target = join(ctx.paths.dataDir, options.folder ?? 'cifar10');
      if (!options.download) {
        throw new ReleqError('data', `CIFAR-10 not found under ${ctx.paths.dataDir} (tried ${candidates.join(', ')})`, {
          hint: `extract cifar-10-binary.tar.gz from ${options.url} into ${target}, or set dataset.download=true, or point --data-dir / RELEQ_DATA_DIR at a folder that has it`,
        });
      }
      const archive = join(target, 'cifar-10-binary.tar.gz');
      await downloadFile(options.url, archive, ctx.logger, ctx.signal);
      await extractTarGz(archive, target);
      const dir = join(target, 'cifar-10-batches-bin');
      if (!isBinary(dir)) throw new ReleqError('data', `${archive} did not contain cifar-10-batches-bin/*.bin (found ${readdirSync(target).join(', ')})`);
      return { dir, format: 'binary' };
    };
    return {
      load: once(async () => {
        const { dir, format } = await locate();
        const raw = format === 'binary' ? readBinary(dir) : readJpeg(dir, ctx.paths.cacheDir, ctx.logger);
        if (format === 'jpeg') ctx.logger.debug('cifar10: JPEG copy; pixels differ slightly from the official binary release');
        return assembleDataset({
          name: 'cifar10', shape: [32, 32, 3], numClasses: 10,
          trainAll: limitImages(raw.trainAll, options.trainLimit, 3072, splitSeedOf(options, ctx)),
          test: limitImages(raw.test, options.testLimit, 3072, splitSeedOf(options, ctx)),
          validationFraction: options.validationFraction,
          splitSeed: splitSeedOf(options, ctx),
          source: { format, trainLimit: options.trainLimit, testLimit: options.testLimit },
        });
      }),
    };
  },
});
