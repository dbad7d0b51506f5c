import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { LoadedDataset } from '../registry/contracts/dataset.js';
import type { Logger } from '../services/logger.js';
import { Rng } from '../services/rng.js';
import { canonicalJson, sha256 } from '../util/json.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint-store.js';
import { measureAccuracy } from './evaluate.js';
import { progressReporter } from './progress.js';
import { stepsFor, trainModel, type TrainConfig } from './train-loop.js';
import { restoreWeights, snapshotWeights, type WeightSnapshot } from './weights.js';

/** What is stored with a full-precision checkpoint. */
export interface CheckpointMeta {
  readonly key: string;
  readonly keyParts: Readonly<Record<string, unknown>>;
  readonly validationAccuracy: number;
  readonly testAccuracy: number;
  readonly validationTop5: number;
  readonly testTop5: number;
  readonly trainSteps: number;
  readonly trainSeconds: number;
  readonly createdAt: string;
}

export interface PretrainRequest {
  readonly model: tf.LayersModel;
  readonly data: LoadedDataset;
  readonly config: TrainConfig;
  readonly seed: number;
  readonly cacheDir: string;
  /** Identity of the network (architecture fingerprint, name, init seed, ...). */
  readonly network: Readonly<Record<string, unknown>>;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
}

export interface PretrainResult {
  readonly snapshot: WeightSnapshot;
  readonly meta: CheckpointMeta;
  /** False when the checkpoint came from the cache. */
  readonly trained: boolean;
  readonly dir: string;
}

export function checkpointKey(req: Pick<PretrainRequest, 'network' | 'data' | 'config' | 'seed'>): { key: string; parts: Record<string, unknown> } {
  const parts = { network: req.network, dataset: req.data.fingerprint, train: req.config, seed: req.seed };
  return { key: sha256(canonicalJson(parts)).slice(0, 20), parts };
}

/**
 * The full-precision weights for (network, data set + split, training config, seed): loaded from
 * `<cacheDir>/checkpoints/<key>` when present, else trained (0 steps keeps the built weights, e.g.
 * pretrained ones a network plugin loaded), measured and saved there.
 */
export async function pretrainOrLoad(req: PretrainRequest): Promise<PretrainResult> {
  const { key, parts } = checkpointKey(req);
  const dir = join(req.cacheDir, 'checkpoints', key);
  const cached = loadCheckpoint<CheckpointMeta>(dir);
  if (cached !== null) {
    restoreWeights(req.model, cached.snapshot);
    req.logger.info(`full-precision checkpoint ${dir}: validation ${(100 * cached.meta.validationAccuracy).toFixed(2)}%, test ${(100 * cached.meta.testAccuracy).toFixed(2)}%`);
    return { ...cached, trained: false, dir };
  }
  const { data } = req;
  const steps = stepsFor(req.config, data.train.count);
  let result = { steps: 0, seconds: 0 };
  if (steps > 0) {
    req.logger.info(`pretraining ${String(req.network['name'] ?? 'network')} on ${data.name}: ${steps} steps (${req.config.epochs} epochs of ${data.train.count} images, batch ${req.config.batchSize})`);
    const progress = progressReporter('pretrain', steps, req.logger);
    try {
      result = await trainModel(req.model, data.train, data, data.numClasses, req.config, Rng.stream(req.seed, 'pretrain/data-order'), {
        onProgress: progress.update, ...(req.signal === undefined ? {} : { signal: req.signal }),
      });
    } finally {
      progress.stop();
    }
  }
  const validation = measureAccuracy(req.model, data.validation, data, data.numClasses);
  const test = measureAccuracy(req.model, data.test, data, data.numClasses);
  const meta: CheckpointMeta = {
    key, keyParts: parts,
    validationAccuracy: validation.top1, testAccuracy: test.top1, validationTop5: validation.top5, testTop5: test.top5,
    trainSteps: result.steps, trainSeconds: result.seconds, createdAt: new Date().toISOString(),
  };
  const snapshot = snapshotWeights(req.model);
  saveCheckpoint(dir, snapshot, meta);
  req.logger.info(`full-precision accuracy: validation ${(100 * validation.top1).toFixed(2)}%, test ${(100 * test.top1).toFixed(2)}% (saved ${dir})`);
  return { snapshot, meta, trained: true, dir };
}
