import type { LoadedDataset } from '../registry/contracts/dataset.js';
import type { Bitwidths } from '../registry/contracts/layer-table.js';
import type { QuantizableModel } from '../registry/contracts/network.js';
import { Rng } from '../services/rng.js';
import { strided } from '../data/split.js';
import { measureAccuracy, type AccuracyResult } from './evaluate.js';
import { trainModel, type TrainConfig } from './train-loop.js';
import { restoreWeights, type WeightSnapshot } from './weights.js';

/** The arrays a fine-tune needs (a LoadedDataset, or its copy in a worker). */
export type SessionData = Pick<LoadedDataset, 'shape' | 'numClasses' | 'mean' | 'std' | 'train' | 'validation' | 'test'>;

export interface ScoreResult {
  readonly validation: AccuracyResult;
  /** Only when asked for (the final report). */
  readonly test: AccuracyResult | null;
  readonly seconds: number;
  readonly steps: number;
  /** The fine-tune's loss became non-finite: the model was scored as it stood (usually near chance). */
  readonly diverged: boolean;
}

/**
 * One model, its data and its full-precision weights: scores assignments one at a time. Every
 * score starts from the full-precision weights, so results do not depend on what ran before, and
 * the data order is drawn from (seed, assignment), so they do not depend on evaluation order either.
 */
export class FineTuneSession {
  constructor(
    readonly qm: QuantizableModel,
    readonly data: SessionData,
    private readonly fullPrecision: WeightSnapshot,
    private readonly seed: number,
  ) {}

  async score(bits: Bitwidths, config: TrainConfig, options: { evalLimit?: number | null; withTest?: boolean; signal?: AbortSignal } = {}): Promise<ScoreResult> {
    const started = performance.now();
    restoreWeights(this.qm.model, this.fullPrecision);
    this.qm.setBitwidths(bits);
    const rng = Rng.stream(this.seed, `finetune/${bits.join('-')}`);
    const trained = await trainModel(this.qm.model, this.data.train, this.data, this.data.numClasses, config, rng,
      { onDivergence: 'stop', ...(options.signal === undefined ? {} : { signal: options.signal }) });
    const { model } = this.qm;
    const validation = measureAccuracy(model, strided(this.data.validation, options.evalLimit ?? null), this.data, this.data.numClasses);
    const test = options.withTest === true ? measureAccuracy(model, this.data.test, this.data, this.data.numClasses) : null;
    return { validation, test, steps: trained.steps, seconds: (performance.now() - started) / 1000, diverged: trained.diverged };
  }
}
