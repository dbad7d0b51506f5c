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
 *
 * Evaluations are requested when an episode finishes acting and committed in episode order, so
 * the cache, its counters, the best and the Pareto front come out the same whether episodes are
 * evaluated one at a time or several at once.
 */
export class Scorer {
  readonly cache = new Map<string, CachedEvaluation>();
  cacheHits = 0;
  best: AssignmentResult | null = null;
  pareto = new ParetoFront();
  /** Requested and not yet committed, by assignment key. */
  private readonly pending = new Map<string, Promise<CachedEvaluation>>();

  constructor(
    private readonly env: QuantizationEnv,
    private readonly evaluator: Evaluator,
    private readonly reward: Reward,
    private readonly costFn?: (bits: Bitwidths) => Promise<number>,
  ) {}

  /** Distinct assignments evaluated (committed). */
  get evaluations(): number {
    return this.cache.size;
  }

  /** Distinct assignments evaluated or being evaluated: what an evaluation budget counts. */
  get requested(): number {
    return this.cache.size + this.pending.size;
  }

  /** Cost relative to all layers at maxBits: the hardware target's, or average bits / maxBits. */
  async relativeCost(bits: Bitwidths): Promise<number> {
    if (this.costFn) return this.costFn(bits);
    return this.env.averageBits(bits) / this.env.maxBits;
  }

  /** Starts (or joins) the evaluation of an assignment; nothing is counted until `commit`. */
  request(bits: Bitwidths): Promise<CachedEvaluation> {
    const key = QuantizationEnv.key(bits);
    const hit = this.cache.get(key);
    if (hit) return Promise.resolve(hit);
    const joined = this.pending.get(key);
    if (joined !== undefined) return joined;
    const copy = [...bits];
    const run = (async (): Promise<CachedEvaluation> => {
      const evaluation = await this.evaluator.evaluate(copy);
      return { accuracy: evaluation.accuracy, origin: evaluation.origin, relativeCost: await this.relativeCost(copy) };
    })();
    // A failure surfaces where it is awaited; meanwhile no unhandled rejection, and no stale entry.
    run.catch(() => { if (this.pending.get(key) === run) this.pending.delete(key); });
    this.pending.set(key, run);
    return run;
  }

  /** Counts a requested evaluation (a cache hit when the assignment was committed before), rewards it, updates the best. */
  commit(bits: Bitwidths, e: CachedEvaluation): Scored {
    const key = QuantizationEnv.key(bits);
    this.pending.delete(key);
    if (this.cache.has(key)) {
      this.cacheHits++;
    } else {
      this.cache.set(key, e);
      this.pareto.add({ bits: [...bits], accuracy: e.accuracy, averageBits: this.env.averageBits(bits) });
    }
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

  /** Evaluates, counts and rewards an assignment at once (one episode at a time). */
  async score(bits: Bitwidths): Promise<Scored> {
    return this.commit(bits, await this.request(bits));
  }
}
