import type { Bitwidths } from './layer-table.js';

export interface RewardInput {
  /** Mean bitwidth over the layers / 8 (or parameter-weighted), in (0, 1]. */
  readonly stateQuantization: number;
  /** Accuracy / full-precision accuracy. */
  readonly stateAccuracy: number;
  readonly bits: Bitwidths;
  /** Cost of `bits` relative to all-8-bit on the configured hardware target, when one is used. */
  readonly relativeCost?: number;
}

/** What a budget-style reward may use to push an assignment under its budget. */
export interface AdjustContext {
  readonly bitwidths: readonly number[];
  /** Per layer: true when the search may change it. */
  readonly searched: readonly boolean[];
  /** Cost relative to all layers at 8 bits (hardware target or average bits). */
  relativeCost(bits: Bitwidths): Promise<number>;
}

export interface Reward {
  compute(input: RewardInput): number;
  /** Optional: change an assignment before it is evaluated (HAQ-style budget enforcement). */
  adjust?(bits: Bitwidths, context: AdjustContext): Promise<Bitwidths>;
}
