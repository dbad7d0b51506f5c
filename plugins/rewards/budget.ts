import { definePlugin } from '../../src/registry/plugin.js';
import type { AdjustContext, Bitwidths, Reward, RewardInput } from '../../src/registry/contracts/index.js';

export interface BudgetRewardOptions {
  readonly budget: number;
  readonly scale: number;
}

/**
 * HAQ-style resource-constrained search: an assignment whose relative cost exceeds the budget is
 * pushed down before it is evaluated, one ladder step per searched layer in network order, round
 * after round, until it fits (as HAQ does); the reward is then accuracy only:
 * R = scale * (State_Accuracy - 1), or -scale when even the lowest bitwidths miss the budget.
 * The cost is the hardware target's (search costFn) or average bits / 8.
 */
export class BudgetReward implements Reward {
  constructor(private readonly options: BudgetRewardOptions) {}

  compute(input: RewardInput): number {
    const { budget, scale } = this.options;
    if (input.relativeCost !== undefined && input.relativeCost > budget + 1e-9) return -scale;
    return scale * (input.stateAccuracy - 1);
  }

  async adjust(bits: Bitwidths, context: AdjustContext): Promise<Bitwidths> {
    const ladder = context.bitwidths;
    const next = [...bits];
    let cost = await context.relativeCost(next);
    while (cost > this.options.budget + 1e-9) {
      let moved = false;
      for (let i = 0; i < next.length && cost > this.options.budget + 1e-9; i++) {
        if (!context.searched[i]) continue;
        const lower = ladder.filter((b) => b < next[i]!);
        if (lower.length === 0) continue;
        next[i] = lower[lower.length - 1]!;
        moved = true;
        cost = await context.relativeCost(next);
      }
      if (!moved) break; // every searched layer is at the lowest bitwidth: the budget is unreachable
    }
    return next;
  }
}

export const budgetRewardPlugin = definePlugin<'reward', BudgetRewardOptions>({
  kind: 'reward',
  name: 'budget',
  description: 'HAQ-like: pushes assignments under a relative cost budget, then rewards accuracy only',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      budget: {
        type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.5,
        description: 'Largest cost relative to all layers at 8 bits (hardware target, or average bits / 8)',
      },
      scale: { type: 'number', exclusiveMinimum: 0, default: 1, description: 'R = scale * (State_Accuracy - 1)' },
    },
  },
  create(options): Reward {
    return new BudgetReward(options);
  },
});
