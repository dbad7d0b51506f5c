import type { Tensor } from '@tensorflow/tfjs';
import { definePlugin } from '../../src/registry/plugin.js';
import type { Quantizer } from '../../src/registry/contracts/quantizer.js';
import { FULL_PRECISION_BITS } from '../../src/registry/contracts/layer-table.js';
import { checkBits, dorefaQuantize, uniformActivationQuantize } from '../../src/models/quantize-ops.js';
import { activationClipSchema } from './activation-options.js';

export interface DorefaOptions {
  /** 'unit': w_q in [-1, 1] as in the paper; 'weight-max': w_q * max|w| (keeps the layer's scale). */
  readonly scale: 'unit' | 'weight-max';
  readonly activationClip: number;
}

/** DoReFa weight quantizer (Zhou et al.): tanh, normalise to [0, 1], 2^b - 1 levels, map to [-1, 1]. */
export class DorefaQuantizer implements Quantizer {
  readonly name = 'dorefa';
  private readonly options: DorefaOptions;
  /** Options the schema did not fill (direct construction) take the schema defaults. */
  constructor(options: Partial<DorefaOptions> = {}) {
    this.options = { scale: 'unit', activationClip: 1, ...options };
  }

  quantizeWeights(weights: Tensor, bits: number): Tensor {
    checkBits(bits, 'dorefa quantizer');
    if (bits === FULL_PRECISION_BITS) return weights;
    return dorefaQuantize(weights, bits, this.options.scale === 'weight-max');
  }

  quantizeActivations(activations: Tensor, bits: number): Tensor {
    checkBits(bits, 'dorefa activation quantizer');
    if (bits === FULL_PRECISION_BITS) return activations;
    return uniformActivationQuantize(activations, bits, this.options.activationClip);
  }
}

export const dorefaPlugin = definePlugin<'quantizer', DorefaOptions>({
  kind: 'quantizer',
  name: 'dorefa',
  description: 'DoReFa weights: tanh, max-normalise, round to 2^b-1 levels in [-1,1]; straight-through rounding',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      scale: {
        type: 'string',
        enum: ['unit', 'weight-max'],
        default: 'unit',
        description: '"unit": quantized weights span [-1, 1] whatever the layer\'s weight scale (the DoReFa formula; '
          + 'deep networks without batch norm can then diverge); "weight-max": multiply them by max|w| (a variant).',
      },
      activationClip: activationClipSchema,
    },
  },
  create: (options) => new DorefaQuantizer(options),
});
