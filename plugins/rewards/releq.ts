import { definePlugin } from '../../src/registry/plugin.js';
import type { Reward, RewardInput } from '../../src/registry/contracts/index.js';

export interface ReleqRewardOptions {
  readonly a: number;
  readonly b: number;
  readonly th: number;
  readonly minQuantization: number;
  /** 'bits': State_Quantization (the paper); 'hardware': cost relative to 8-bit on the first hardware target. */
  readonly quantizationTerm?: 'bits' | 'hardware';
}

/**
 * The paper's shaped reward: with x = SQ - minQuantization (2/8) and y = State_Accuracy,
 * R = -1 if y < th, else 2 * ((1 - x^a) * y^(b / y) - 0.5). The accuracy term falls steeply
 * below full accuracy; -1 marks unrecoverable drops.
 */
export function releqReward(input: RewardInput, o: ReleqRewardOptions): number {
  const y = input.stateAccuracy;
  if (y < o.th || y <= 0) return -1;
  // x < 0 only when SQ is below the floor (bitwidths under 2): treat as the best quantization.
  const q = o.quantizationTerm === 'hardware' ? input.relativeCost : input.stateQuantization;
  if (q === undefined) throw new Error("releq reward: quantizationTerm 'hardware' needs a relative hardware cost, and none was given");
  const x = Math.max(0, q - o.minQuantization);
  return 2 * ((1 - x ** o.a) * y ** (o.b / y) - 0.5);
}

export const releqRewardPlugin = definePlugin<'reward', ReleqRewardOptions>({
  kind: 'reward',
  name: 'releq',
  description: 'ReLeQ shaped reward: asymmetric in accuracy, -1 below the accuracy threshold th',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      a: { type: 'number', exclusiveMinimum: 0, default: 0.8, description: 'Exponent of the quantization term x^a' },
      b: { type: 'number', exclusiveMinimum: 0, default: 1, description: 'Steepness of the accuracy term y^(b/y)' },
      th: { type: 'number', minimum: 0, maximum: 1, default: 0.4, description: 'State_Accuracy below which the reward is -1' },
      minQuantization: {
        type: 'number', minimum: 0, maximum: 1, default: 0.25,
        description: 'State_Quantization of the lowest bitwidth (2/8), subtracted to give x',
      },
      quantizationTerm: {
        enum: ['bits', 'hardware'], default: 'bits',
        description: "What x measures: 'bits' = State_Quantization (the paper); 'hardware' = the assignment's cost relative to 8-bit on the experiment's first hardware target (goes beyond the paper, as HAQ does)",
      },
    },
  },
  create(options): Reward {
    return { compute: (input) => releqReward(input, options) };
  },
});
