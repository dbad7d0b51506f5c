import type { Tensor } from '@tensorflow/tfjs';
import { definePlugin } from '../../src/registry/plugin.js';
import type { Quantizer } from '../../src/registry/contracts/quantizer.js';
import { FULL_PRECISION_BITS } from '../../src/registry/contracts/layer-table.js';
import { ReleqError } from '../../src/errors.js';
import {
  checkBits, uniformActivationQuantize, wrpnBinary, wrpnQuantize,
} from '../../src/models/quantize-ops.js';
import { activationClipSchema } from './activation-options.js';

export interface WrpnOptions {
  /** What 1 bit means: WRPN's formula has no level at b = 1. */
  readonly oneBit: 'binary' | 'reject';
  readonly activationClip: number;
}

/** WRPN weight quantizer (Mishra et al.): symmetric, clamp to [-1, 1], 2^(b-1) - 1 levels per sign. */
export class WrpnQuantizer implements Quantizer {
  readonly name = 'wrpn';
  private readonly options: WrpnOptions;
  /** Options the schema did not fill (direct construction) take the schema defaults. */
  constructor(options: Partial<WrpnOptions> = {}) {
    this.options = { oneBit: 'binary', activationClip: 1, ...options };
  }

  quantizeWeights(weights: Tensor, bits: number): Tensor {
    checkBits(bits, 'wrpn quantizer');
    if (bits === FULL_PRECISION_BITS) return weights;
    if (bits === 1) {
      if (this.options.oneBit === 'reject') {
        throw new ReleqError('config', 'wrpn quantizer: 1 bit gives 2^0 - 1 = 0 levels', {
          hint: 'use bitwidths >= 2 with wrpn, or set quantizer option oneBit: binary (sign * mean|w|)',
        });
      }
      return wrpnBinary(weights);
    }
    return wrpnQuantize(weights, bits);
  }

  quantizeActivations(activations: Tensor, bits: number): Tensor {
    checkBits(bits, 'wrpn activation quantizer');
    if (bits === FULL_PRECISION_BITS) return activations;
    return uniformActivationQuantize(activations, bits, this.options.activationClip);
  }
}

export const wrpnPlugin = definePlugin<'quantizer', WrpnOptions>({
  kind: 'quantizer',
  name: 'wrpn',
  description: 'WRPN weights: round(clamp(w,-1,1)(2^(b-1)-1))/(2^(b-1)-1), straight-through gradient inside the clamp',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      oneBit: {
        type: 'string',
        enum: ['binary', 'reject'],
        default: 'binary',
        description: 'At 1 bit the WRPN formula has no levels: "binary" uses sign(w) * mean|clamp(w)|, "reject" throws.',
      },
      activationClip: activationClipSchema,
    },
  },
  create: (options) => new WrpnQuantizer(options),
});
