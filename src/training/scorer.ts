import type { Bitwidths } from '../registry/contracts/layer-table.js';
import type { FineTuneSession, ScoreResult } from './finetune-session.js';
import type { TrainConfig } from './train-loop.js';

/** One fine-tune-and-measure job. */
export interface ScoreTask {
  readonly bits: Bitwidths;
  readonly config: TrainConfig;
  /** Measure on this many validation images (evenly strided); null = all. */
  readonly evalLimit: number | null;
  /** Also measure the test split (final report only). */
  readonly withTest: boolean;
}

/** Runs score tasks: in this thread one at a time, or on a pool of workers. */
export interface Scorer {
  readonly parallelism: number;
  score(task: ScoreTask): Promise<ScoreResult>;
  close(): Promise<void>;
}

/** Scores in this thread, serialised (one model), in the order asked. */
export class InProcessScorer implements Scorer {
  readonly parallelism = 1;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly session: FineTuneSession, private readonly signal?: AbortSignal) {}

  score(task: ScoreTask): Promise<ScoreResult> {
    const run = this.tail.then(() => this.session.score(task.bits, task.config, {
      evalLimit: task.evalLimit, withTest: task.withTest, ...(this.signal === undefined ? {} : { signal: this.signal }),
    }));
    this.tail = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.tail;
  }
}
