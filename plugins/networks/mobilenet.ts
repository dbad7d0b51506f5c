import { isAbsolute, resolve } from 'node:path';
import { definePlugin } from '../../src/registry/plugin.js';
import type { Network } from '../../src/registry/contracts/network.js';
import { ReleqError } from '../../src/errors.js';
import { buildMobilenet, type MobilenetShape } from './mobilenet-model.js';
import { loadPretrainedMobilenet } from './mobilenet-weights.js';
import { inputSizeSchema, numClassesSchema } from './schema-parts.js';

export interface MobilenetOptions extends MobilenetShape {
  /** Folder of Keras MobileNet-V1 weights in tfjs layers format, or null for random initialisation. */
  readonly weights: string | null;
  /** With weights: the ImageNet classes the head keeps, in order (null = all 1000). */
  readonly classSubset: readonly number[] | null;
}

export const mobilenetPlugin = definePlugin<'network', MobilenetOptions>({
  kind: 'network',
  name: 'mobilenet',
  description: 'MobileNet-V1 for ImageNet: 27 conv (depthwise and pointwise) + FC = 28 layers, all searched',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      alpha: {
        type: 'number',
        enum: [0.25, 0.5, 0.75, 1],
        default: 1,
        description: 'Width multiplier (filters = trunc(channels * alpha)); must match the weights when they are loaded.',
      },
      inputSize: inputSizeSchema(224, 32),
      numClasses: numClassesSchema(1000),
      stemStride: {
        type: 'integer',
        enum: [1, 2],
        default: 2,
        description: 'Stride of the first conv: 2 for ImageNet, 1 for a CIFAR-style 32x32 variant.',
      },
      weights: {
        type: ['string', 'null'],
        default: null,
        description: 'Pretrained Keras MobileNet-V1 folder (model.json + shards), relative to the data directory, '
          + 'e.g. models/mobilenet_v1_0.75_224 (alpha 0.75); null trains from random weights.',
      },
      classSubset: {
        type: ['array', 'null'],
        items: { type: 'integer', minimum: 0, maximum: 999 },
        minItems: 2,
        default: null,
        description: 'With weights: ImageNet class indices whose head rows are kept, in order; its length must equal numClasses.',
      },
    },
  },
  create: (options, context): Network => {
    const weightsDir = options.weights === null ? null
      : isAbsolute(options.weights) ? options.weights : resolve(context.paths.dataDir, options.weights);
    if (weightsDir !== null) {
      const classes = options.classSubset?.length ?? 1000;
      if (classes !== options.numClasses) {
        throw new ReleqError('config', `network mobilenet: numClasses ${options.numClasses} does not fit the pretrained head (${classes} classes)`, {
          hint: 'set numClasses: 1000, or list the kept ImageNet classes in classSubset (numClasses = its length)',
        });
      }
      if (options.stemStride !== 2) {
        throw new ReleqError('config', 'network mobilenet: pretrained weights need stemStride 2', { hint: 'remove stemStride' });
      }
    }
    return {
      inputShape: [options.inputSize, options.inputSize, 3],
      numClasses: options.numClasses,
      defaultFixedLayers: [],
      build: (build) => {
        if (weightsDir === null) return buildMobilenet(build, options);
        const qm = loadPretrainedMobilenet(build, {
          dir: weightsDir, inputSize: options.inputSize, ...(options.classSubset === null ? {} : { classSubset: options.classSubset }),
        });
        const alpha = qm.layers[0]!.geometry().outChannels / 32;
        if (alpha !== options.alpha) {
          qm.dispose();
          throw new ReleqError('config', `network mobilenet: weights in ${weightsDir} have alpha ${alpha}, options say ${options.alpha}`, {
            hint: `set alpha: ${alpha}`,
          });
        }
        return qm;
      },
    };
  },
});
