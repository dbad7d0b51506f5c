import { randomUUID } from 'node:crypto';
import { ReleqError } from '../errors.js';
import type { LoadedDataset } from '../registry/contracts/dataset.js';
import type { PluginContext } from '../registry/plugin.js';
import { WorkerPool } from '../workers/index.js';
import type { ScoreResult } from './finetune-session.js';
import { shareSplit, type WorkerSetup } from './finetune-worker.js';
import type { Scorer, ScoreTask } from './scorer.js';

const MODULE = new URL('./finetune-worker.js', import.meta.url);

/** Scores on a pool of worker threads, each holding its own model over the shared data. */
export class PoolScorer implements Scorer {
  private constructor(private readonly pool: WorkerPool, private readonly sessionId: string) {}

  get parallelism(): number {
    return this.pool.size;
  }

  static async start(ctx: PluginContext, workers: number, prepared: { data: LoadedDataset; checkpointDir: string; initSeed: number; activationBits: number | null }): Promise<PoolScorer> {
    const exp = ctx.experiment;
    if (exp === undefined || exp.network === null || exp.quantizer === null) {
      throw new ReleqError('internal', 'the finetune evaluator needs the experiment (network and quantizer refs) to start workers', {
        hint: 'set evaluator.workers: 0 to evaluate in the main thread',
      });
    }
    const { data } = prepared;
    const empty = { images: new Uint8Array(0), labels: new Int32Array(0), count: 0 };
    const setup: WorkerSetup = {
      sessionId: randomUUID(),
      plugins: exp.plugins,
      network: exp.network,
      quantizer: exp.quantizer,
      paths: ctx.paths,
      seed: ctx.seed,
      initSeed: prepared.initSeed,
      activationBits: prepared.activationBits,
      checkpointDir: prepared.checkpointDir,
      data: {
        shape: data.shape, numClasses: data.numClasses, mean: data.mean, std: data.std,
        train: shareSplit(data.train), validation: shareSplit(data.validation), test: empty,
      },
    };
    const pool = await WorkerPool.create({ workers, backend: exp.backend, signal: ctx.signal });
    try {
      await pool.runOnEach(Array.from({ length: pool.size }, () => ({ module: MODULE, exportName: 'setup', payload: setup })));
    } catch (error) {
      await pool.dispose();
      throw error;
    }
    ctx.logger.info(`finetune: ${pool.size} workers (${pool.backends().map((b) => b.name).join(', ')})`);
    return new PoolScorer(pool, setup.sessionId);
  }

  score(task: ScoreTask): Promise<ScoreResult> {
    if (task.withTest) return Promise.reject(new ReleqError('internal', 'workers hold no test split; final reports run in the main thread'));
    return this.pool.run<ScoreResult>({ module: MODULE, exportName: 'score', payload: { sessionId: this.sessionId, task } });
  }

  async close(): Promise<void> {
    await this.pool.runOnEach(Array.from({ length: this.pool.size }, () => ({ module: MODULE, exportName: 'teardown', payload: { sessionId: this.sessionId } })))
      .catch(() => undefined);
    await this.pool.dispose();
  }
}
