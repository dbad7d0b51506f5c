import type { Bitwidths, LayerInfo } from './layer-table.js';

/** What the search needs to know about the problem before the first episode. */
export interface ProblemDescription {
  /** Network name (for logs and run identity). */
  readonly network: string;
  readonly layers: readonly LayerInfo[];
  /** Accuracy of the full-precision network: the reference State_Accuracy divides by. */
  readonly fullPrecisionAccuracy: number;
  /** Indices of layers kept at `fixedBits` and never searched (e.g. first and last). */
  readonly fixedLayers: readonly number[];
  /** Bitwidth the fixed layers keep. */
  readonly fixedBits: number;
  /** Bitwidths the evaluator can answer for, when it is limited (a recorded landscape). */
  readonly bitwidthChoices?: readonly number[];
}

/** Where an accuracy came from, so recorded answers and estimates are never mixed up in reports. */
export type EvaluationOrigin = 'recorded' | 'estimated' | 'measured';

export interface Evaluation {
  /** Top-1 accuracy in [0, 1] on the validation split. */
  readonly accuracy: number;
  readonly origin: EvaluationOrigin;
  /** Seconds spent producing this answer (0 for lookups). */
  readonly seconds: number;
}

export interface EvaluatorStats {
  /** Distinct assignments answered. */
  readonly distinct: number;
  readonly recorded: number;
  readonly estimated: number;
  readonly measured: number;
  /** Answers served from the evaluator's own cache. */
  readonly cacheHits: number;
}

/** Final report for the chosen assignment (long fine-tune, test split). */
export interface FinalReport {
  readonly bits: Bitwidths;
  readonly validationAccuracy: number;
  readonly testAccuracy: number | null;
  readonly fullPrecisionTestAccuracy: number | null;
  /** Full-precision minus quantized accuracy on the same split, in [0, 1]. */
  readonly accuracyLoss: number | null;
  readonly note?: string;
}

/**
 * Scores one bitwidth assignment. Knows nothing about agents.
 * `evaluate` may be called concurrently; implementations that train serialise or pool as they need.
 */
export interface Evaluator {
  prepare(): Promise<ProblemDescription>;
  evaluate(bits: Bitwidths): Promise<Evaluation>;
  /** How many `evaluate` calls make progress at once after prepare() (worker count); absent: 1. */
  parallelism?(): number;
  stats(): EvaluatorStats;
  /** Long fine-tune and test-split report of the chosen assignment, where the evaluator can train. */
  finalize?(bits: Bitwidths): Promise<FinalReport>;
  dispose(): Promise<void>;
}
