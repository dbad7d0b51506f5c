import * as tf from '@tensorflow/tfjs';
import { ReleqError } from '../errors.js';
import type { ImageSplit } from '../registry/contracts/dataset.js';
import type { Rng } from '../services/rng.js';
import { makeBatch, type InputSpec } from './batches.js';
import { crossEntropy, outputsProbabilities } from './loss.js';
import { makeStepRule } from './optimizer.js';

/** How long and how a model trains: plain data, part of every cache key. */
export interface TrainConfig {
  /** Passes over the training split; fractions allowed (0.25 = a quarter epoch). Ignored when `steps` is set. */
  readonly epochs: number;
  /** Exact number of minibatch steps (null = from epochs). */
  readonly steps: number | null;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly optimizer: 'sgd' | 'adam';
  /** SGD momentum (the paper: 0.9). */
  readonly momentum: number;
  /** L2 weight decay added to the gradient as in PyTorch's SGD (the paper: 1e-4). */
  readonly weightDecay: number;
  /** 'cosine' anneals the learning rate to 0 over the run; 'constant' keeps it. */
  readonly schedule: 'constant' | 'cosine';
}

export interface TrainProgress {
  readonly step: number;
  readonly steps: number;
  readonly loss: number;
}

export interface TrainResult {
  readonly steps: number;
  /** Mean loss over the last 10% of the steps. */
  readonly finalLoss: number;
  readonly seconds: number;
  /** The loss stopped being finite and training stopped there (only with `onDivergence: 'stop'`). */
  readonly diverged: boolean;
}

export function stepsFor(config: TrainConfig, count: number): number {
  if (config.steps !== null) return config.steps;
  return Math.ceil((config.epochs * count) / config.batchSize);
}

/**
 * Minibatch training on `data`. The order of images comes from `rng` (a new permutation per
 * epoch), so the same stream gives the same run. Optimizer slots are created here and disposed
 * at the end: a fine-tune never inherits momentum from another.
 */
export async function trainModel(
  model: tf.LayersModel,
  data: ImageSplit,
  spec: InputSpec,
  numClasses: number,
  config: TrainConfig,
  rng: Rng,
  hooks: {
    onProgress?: (p: TrainProgress) => void; signal?: AbortSignal; progressEvery?: number;
    /** 'throw' (pretraining: a bad setting) or 'stop' (a fine-tune: an assignment that cannot train is scored as it is). */
    onDivergence?: 'throw' | 'stop';
  } = {},
): Promise<TrainResult> {
  const steps = stepsFor(config, data.count);
  if (steps === 0) return { steps: 0, finalLoss: Number.NaN, seconds: 0, diverged: false };
  if (data.count === 0) throw new ReleqError('data', 'cannot train: the training split is empty', { hint: 'check the data set and its trainLimit / validationFraction' });
  const started = performance.now();
  const batch = Math.min(config.batchSize, data.count);
  const probabilities = outputsProbabilities(model);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const rule = makeStepRule(config, vars);
  const order = Int32Array.from({ length: data.count }, (_, i) => i);
  let cursor = data.count; // forces a shuffle before the first batch
  const tail = Math.max(1, Math.ceil(steps / 10));
  let tailLoss = 0;
  const every = hooks.progressEvery ?? 10;
  try {
    for (let step = 0; step < steps; step++) {
      if (hooks.signal?.aborted) throw new ReleqError('internal', 'training interrupted');
      if (cursor + batch > data.count) {
        shuffleInPlace(order, rng);
        cursor = 0;
      }
      const lr = config.schedule === 'cosine'
        ? 0.5 * config.learningRate * (1 + Math.cos((Math.PI * step) / steps))
        : config.learningRate;
      const { x, y } = makeBatch(data, order, cursor, cursor + batch, spec);
      cursor += batch;
      const { value: cost, grads } = tf.variableGrads(() => tf.tidy(() => {
        const out = model.apply(x, { training: true }) as tf.Tensor;
        return crossEntropy(out, y, numClasses, probabilities);
      }), vars);
      rule.apply(vars.map((v) => grads[v.name]!), lr);
      tf.dispose(Object.values(grads));
      tf.dispose([x, y]);
      const isTail = step >= steps - tail;
      if ((isTail || step % every === 0 || step === steps - 1)) {
        const loss = (await cost.data())[0]!;
        if (!Number.isFinite(loss)) {
          if (hooks.onDivergence === 'stop') {
            cost.dispose();
            return { steps: step + 1, finalLoss: loss, seconds: (performance.now() - started) / 1000, diverged: true };
          }
          throw new ReleqError('internal', `training diverged (loss ${loss} at step ${step + 1})`, { hint: 'lower the learning rate' });
        }
        if (isTail) tailLoss += loss;
        hooks.onProgress?.({ step: step + 1, steps, loss });
      }
      cost.dispose();
      // Yield to the event loop now and then, so Ctrl-C and progress output get through.
      if (step % 20 === 19) await new Promise((r) => setImmediate(r));
    }
  } finally {
    rule.dispose();
  }
  return { steps, finalLoss: tailLoss / tail, seconds: (performance.now() - started) / 1000, diverged: false };
}

function shuffleInPlace(a: Int32Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}
