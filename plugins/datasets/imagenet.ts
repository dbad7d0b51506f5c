import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ReleqError } from '../../src/errors.js';
import { definePlugin, type PluginContext } from '../../src/registry/plugin.js';
import type { ImageSplit } from '../../src/registry/contracts/dataset.js';
import { assembleDataset } from '../../src/data/assemble.js';
import { once, splitOptionsSchema, splitSeedOf, type SplitOptions } from '../../src/data/common-options.js';
import { loadDecoded, saveDecoded } from '../../src/data/decoded-cache.js';
import { decodeJpegFiles, listClassFolders, parseLabelsFile, type LabelledFile } from '../../src/data/jpeg-folder.js';
import { limitImages } from '../../src/data/limit.js';
import { holdOut } from '../../src/data/split.js';
import { canonicalJson, sha256 } from '../../src/util/json.js';

export interface ImagenetOptions extends SplitOptions {
  readonly folder: string;
  readonly train: string | null;
  readonly trainLabels: string | null;
  readonly test: string;
  readonly testLabels: string | null;
  readonly numClasses: number;
  readonly size: number;
  readonly cropFraction: number;
  readonly testFraction: number;
  readonly normalization: 'inception' | 'torchvision' | 'dataset';
}

/** Per-channel statistics that pretrained ImageNet weights expect (of pixel / 255). */
const NORMALIZATION = {
  // Keras MobileNet / Inception: pixel / 127.5 - 1, i.e. [-1, 1].
  inception: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
  torchvision: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
} as const;

/** Files of one part: `file label` lines when a labels file is given, else class-per-folder. */
function listPart(root: string, dir: string, labels: string | null): LabelledFile[] {
  const imagesDir = join(root, dir);
  if (labels === null) return listClassFolders(imagesDir).files;
  const labelsPath = join(root, labels);
  if (!existsSync(labelsPath)) throw new ReleqError('data', `labels file not found: ${labelsPath}`, { hint: 'expected lines "file label" (label 0-based)' });
  return parseLabelsFile(readFileSync(labelsPath, 'utf8'), imagesDir, labelsPath);
}

function decodePart(files: LabelledFile[], options: ImagenetOptions, ctx: PluginContext, what: string): ImageSplit {
  const key = sha256(canonicalJson({ files: files.map((f) => `${f.path} ${f.label}`), size: options.size, crop: options.cropFraction })).slice(0, 16);
  const cache = join(ctx.paths.cacheDir, 'datasets', `imagenet-${key}`);
  const cached = loadDecoded(cache, 'images');
  if (cached !== null) return cached;
  ctx.logger.info(`imagenet: decoding ${files.length} ${what} JPEGs to ${options.size}x${options.size} (once; cached in ${cache})`);
  const split = decodeJpegFiles(files, options.size, options.cropFraction, (done, total) => ctx.logger.debug(`imagenet: ${done}/${total}`));
  saveDecoded(cache, 'images', split);
  return split;
}

export const imagenetPlugin = definePlugin<'dataset', ImagenetOptions>({
  kind: 'dataset',
  name: 'imagenet',
  description: 'ImageNet-style JPEG folders (class-per-folder or a "file label" list), center-cropped and resized',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      folder: { type: 'string', default: 'imagenet', description: 'Folder under the data directory.' },
      train: { type: ['string', 'null'], default: 'train', description: 'Training images folder inside `folder`; null (or missing) = split the test folder instead.' },
      trainLabels: { type: ['string', 'null'], default: null, description: 'Labels file ("file label" lines) for the training folder; null = class-per-folder.' },
      test: { type: 'string', default: 'val', description: 'Test images folder inside `folder`.' },
      testLabels: { type: ['string', 'null'], default: null, description: 'Labels file for the test folder, relative to `folder`; null = class-per-folder.' },
      numClasses: { type: 'integer', minimum: 2, default: 1000, description: 'Number of classes (labels 0..numClasses-1).' },
      size: { type: 'integer', minimum: 8, default: 224, description: 'Side of the square network input.' },
      cropFraction: {
        type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.875,
        description: 'Central crop, as a share of the shorter side, taken before resizing (0.875 is the usual evaluation crop).',
      },
      testFraction: {
        type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.5,
        description: 'Without a training folder: the share of the labelled images kept as the test split (1 = all: measuring pretrained weights only).',
      },
      normalization: {
        enum: ['inception', 'torchvision', 'dataset'], default: 'inception',
        description: 'Input scaling: inception = [-1, 1] (Keras MobileNet weights), torchvision = ImageNet mean/std, dataset = computed from the training split.',
      },
      ...splitOptionsSchema,
    },
  },
  create(options, ctx) {
    return {
      load: once(async () => {
        const root = join(ctx.paths.dataDir, options.folder);
        if (!existsSync(join(root, options.test))) {
          throw new ReleqError('data', `ImageNet images not found: ${join(root, options.test)}`, {
            hint: `ImageNet cannot be downloaded automatically (it needs a licence): put the validation images in ${join(root, options.test)} `
              + '(class-per-folder, or a folder plus a labels file named by dataset.testLabels) and point --data-dir / RELEQ_DATA_DIR at the parent',
          });
        }
        const seed = splitSeedOf(options, ctx);
        const pixels = options.size * options.size * 3;
        let test = decodePart(listPart(root, options.test, options.testLabels), options, ctx, 'test');
        let trainAll: ImageSplit;
        const trainDir = options.train === null ? null : join(root, options.train);
        if (trainDir !== null && existsSync(trainDir) && statSync(trainDir).isDirectory()) {
          trainAll = decodePart(listPart(root, options.train!, options.trainLabels), options, ctx, 'train');
        } else {
          ctx.logger.warn(`imagenet: no training folder; splitting the ${test.count} test images ${Math.round((1 - options.testFraction) * 100)}/${Math.round(options.testFraction * 100)} into train/test`);
          const parts = holdOut(test, options.testFraction, seed, pixels);
          trainAll = parts.train;
          test = parts.validation;
        }
        for (const split of [trainAll, test]) {
          const bad = split.labels.find((l) => l >= options.numClasses);
          if (bad !== undefined) throw new ReleqError('data', `imagenet: label ${bad} is not below numClasses ${options.numClasses}`);
        }
        return assembleDataset({
          name: 'imagenet', shape: [options.size, options.size, 3], numClasses: options.numClasses,
          trainAll: limitImages(trainAll, options.trainLimit, pixels, seed),
          test: limitImages(test, options.testLimit, pixels, seed),
          validationFraction: options.validationFraction,
          splitSeed: seed,
          ...(options.normalization === 'dataset' ? {} : { normalization: NORMALIZATION[options.normalization] }),
          source: { root, train: options.train, test: options.test, size: options.size, crop: options.cropFraction, testFraction: options.testFraction, trainLimit: options.trainLimit, testLimit: options.testLimit },
        });
      }),
    };
  },
});
