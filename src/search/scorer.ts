import type { Bitwidths, EvaluationOrigin, Evaluator, Reward } from '../registry/contracts/index.js';
import { QuantizationEnv } from './environment.js';
import { ParetoFront } from './pareto.js';
import type { AssignmentResult } from './types.js';

export interface CachedEvaluation {
  readonly accuracy: number;
  readonly origin: EvaluationOrigin;
  readonly relativeCost: number;
}

export interface Scored extends AssignmentResult {
  readonly stateAccuracy: number;
  readonly origin: EvaluationOrigin;
  readonly relativeCost: number;
}

/**
 * The search's evaluation cache (consulted before the evaluator, so each assignment is evaluated
 * once per search and across resumes), the reward, and the best-by-reward / Pareto bookkeeping.
 */
export class Scorer {
  readonly cache = new Map<string, CachedEvaluation>();
  cacheHits = 0;
  best: AssignmentResult | null = null;
  pareto = new ParetoFront();

  constructor(
    private readonly env: QuantizationEnv,
    private readonly evaluator: Evaluator,
    private readonly reward: Reward,
    private readonly costFn?: (bits: Bitwidths) => Promise<number>,
  ) {}

  /** Distinct assignments evaluated. */
  get evaluations(): number {
    return this.cache.size;
  }

  /** Cost relative to all layers at maxBits: the hardware target's, or average bits / maxBits. */
  async relativeCost(bits: Bitwidths): Promise<number> {
    if (this.costFn) return this.costFn(bits);
    return this.env.averageBits(bits) / this.env.maxBits;
  }

  async evaluate(bits: Bitwidths): Promise<CachedEvaluation> {
    const key = QuantizationEnv.key(bits);
    const hit = this.cache.get(key);
    if (hit) {
      this.cacheHits++;
      return hit;
    }
    const evaluation = await this.evaluator.evaluate(bits);
    const entry = { accuracy: evaluation.accuracy, origin: evaluation.origin, relativeCost: await this.relativeCost(bits) };
    this.cache.set(key, entry);
    this.pareto.add({ bits: [...bits], accuracy: entry.accuracy, averageBits: this.env.averageBits(bits) });
    return entry;
  }

  /** Evaluates and rewards an assignment, updating the best-so-far. */
  async score(bits: Bitwidths): Promise<Scored> {
    const e = await this.evaluate(bits);
    const stateQuantization = this.env.stateQuantization(bits);
    const stateAccuracy = e.accuracy / this.env.problem.fullPrecisionAccuracy;
    const reward = this.reward.compute({ stateQuantization, stateAccuracy, bits, relativeCost: e.relativeCost });
    const scored: Scored = {
      bits: [...bits], accuracy: e.accuracy, reward, averageBits: this.env.averageBits(bits),
      stateQuantization, stateAccuracy, origin: e.origin, relativeCost: e.relativeCost,
    };
    if (this.best === null || reward > this.best.reward) {
      this.best = { bits: scored.bits, accuracy: scored.accuracy, reward, averageBits: scored.averageBits, stateQuantization };
    }
    return scored;
  }
}
