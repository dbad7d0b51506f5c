import type { Tensor } from '@tensorflow/tfjs';
import { definePlugin } from '../../src/registry/plugin.js';
import type { Quantizer } from '../../src/registry/contracts/quantizer.js';
import { FULL_PRECISION_BITS } from '../../src/registry/contracts/layer-table.js';
import { checkBits, dorefaQuantize, uniformActivationQuantize } from '../../src/models/quantize-ops.js';
import { activationClipSchema } from './activation-options.js';

export interface DorefaOptions {
  readonly activationClip: number;
}

/** DoReFa weight quantizer (Zhou et al.): tanh, normalise to [0, 1], 2^b - 1 levels, map to [-1, 1]. */
export class DorefaQuantizer implements Quantizer {
  readonly name = 'dorefa';
  constructor(private readonly options: DorefaOptions) {}

  quantizeWeights(weights: Tensor, bits: number): Tensor {
    checkBits(bits, 'dorefa quantizer');
    if (bits === FULL_PRECISION_BITS) return weights;
    return dorefaQuantize(weights, bits);
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
    properties: { activationClip: activationClipSchema },
  },
  create: (options) => new DorefaQuantizer(options),
});
