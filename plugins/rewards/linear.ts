import { definePlugin } from '../../src/registry/plugin.js';
import type { Reward, RewardInput } from '../../src/registry/contracts/index.js';

export interface LinearRewardOptions {
  readonly quantizationWeight: number;
  readonly accuracyWeight: number;
  readonly minQuantization: number;
  readonly scale: number;
}

/**
 * The linear alternative in the authors' code:
 * R = scale * max(0, quantizationWeight * (minQuantization - SQ) + accuracyWeight * SA),
 * defaults 2 * max(0, 4 * (0.25 - SQ) + 6 * SA).
 */
export function linearReward(input: RewardInput, o: LinearRewardOptions): number {
  const q = o.quantizationWeight * (o.minQuantization - input.stateQuantization);
  return o.scale * Math.max(0, q + o.accuracyWeight * input.stateAccuracy);
}

export const linearRewardPlugin = definePlugin<'reward', LinearRewardOptions>({
  kind: 'reward',
  name: 'linear',
  description: 'Linear reward from the authors\' code: 2 * max(0, 4 * (0.25 - SQ) + 6 * SA)',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      quantizationWeight: { type: 'number', minimum: 0, default: 4, description: 'Weight of (minQuantization - State_Quantization)' },
      accuracyWeight: { type: 'number', minimum: 0, default: 6, description: 'Weight of State_Accuracy' },
      minQuantization: { type: 'number', minimum: 0, maximum: 1, default: 0.25, description: 'State_Quantization of the lowest bitwidth (2/8)' },
      scale: { type: 'number', exclusiveMinimum: 0, default: 2, description: 'Overall factor' },
    },
  },
  create(options): Reward {
    return { compute: (input) => linearReward(input, options) };
  },
});
