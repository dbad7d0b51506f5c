import os from 'node:os';
import { join } from 'node:path';
import { ReleqError } from '../errors.js';
import type { Dataset, LoadedDataset } from '../registry/contracts/dataset.js';
import type { Evaluation, Evaluator, EvaluatorStats, FinalReport, ProblemDescription } from '../registry/contracts/evaluator.js';
import { FULL_PRECISION_BITS, type Bitwidths } from '../registry/contracts/layer-table.js';
import type { Network, QuantizableModel } from '../registry/contracts/network.js';
import type { Quantizer } from '../registry/contracts/quantizer.js';
import type { PluginContext } from '../registry/plugin.js';
import { Rng } from '../services/rng.js';
import { canonicalJson, sha256 } from '../util/json.js';
import { strided } from '../data/split.js';
import { EvaluationCache } from './evaluation-cache.js';
import { measureAccuracy } from './evaluate.js';
import { FineTuneSession } from './finetune-session.js';
import { modelFingerprint, quantizerFingerprint } from './fingerprint.js';
import { pretrainOrLoad, type PretrainResult } from './pretrain.js';
import { PoolScorer } from './pool-scorer.js';
import { InProcessScorer, type Scorer } from './scorer.js';
import type { TrainConfig } from './train-loop.js';

export interface FineTuneEvaluatorOptions {
  /** The per-evaluation budget (0 epochs / 0 steps = post-training quantization). */
  readonly finetune: TrainConfig;
  /** Full-precision training; epochs null = a per-data-set default (PRETRAIN_EPOCHS). */
  readonly pretrain: Omit<TrainConfig, 'epochs'> & { readonly epochs: number | null };
  /** The chosen assignment's longer fine-tune before the test-set report. */
  readonly final: TrainConfig;
  /** Measure on this many validation images (evenly strided); null = all. */
  readonly validationLimit: number | null;
  readonly activationBits: number | null;
  /** Keep and reuse measured accuracies in the cache folder. */
  readonly cache: boolean;
  /** Worker threads for evaluations: 0 = this thread; null = the experiment's `workers` setting. */
  readonly workers: number | 'auto' | null;
}

/** Full-precision epochs when the experiment does not say: enough to reach the usual accuracy on 2 cores. */
export const PRETRAIN_EPOCHS: Readonly<Record<string, number>> = { mnist: 2, cifar10: 20, svhn: 5, imagenet: 0 };

/**
 * The `finetune` evaluator: quantization-aware fine-tune from the full-precision checkpoint, then
 * top-1 on the held-out validation split; answers cached by assignment in an append-only file.
 */
export class FineTuneEvaluator implements Evaluator {
  private qm: QuantizableModel | null = null;
  private layerCount = 0;
  private pre: PretrainResult | null = null;
  private scorer: Scorer | null = null;
  /** The main thread's own session: the final report (it needs the test split) runs here. */
  private local: Scorer | null = null;
  private cache: EvaluationCache | null = null;
  private fpValidation = 0;
  private readonly inflight = new Map<string, Promise<Evaluation>>();
  private readonly answered = new Set<string>();
  private counts = { measured: 0, cacheHits: 0 };

  constructor(private readonly options: FineTuneEvaluatorOptions, private readonly ctx: PluginContext) {}

  async prepare(): Promise<ProblemDescription> {
    const { ctx, options } = this;
    const backend = await ctx.backend();
    if (backend.name === 'cpu') ctx.logger.warn("finetune: training on the 'cpu' backend is several hundred times slower than wasm; set backend: auto or wasm");
    const [network, dataset, quantizer] = await Promise.all([ctx.use('network'), ctx.use('dataset'), ctx.use('quantizer')]) as [Network, Dataset, Quantizer];
    const data = await dataset.load();
    checkCompatible(network, data);
    const initSeed = Rng.stream(ctx.seed, 'network/init').seed();
    const qm = network.build({ quantizer, seed: initSeed, activationBits: options.activationBits });
    this.qm = qm;
    qm.setBitwidths(qm.layerTable().map(() => FULL_PRECISION_BITS));
    const pretrain: TrainConfig = { ...options.pretrain, epochs: options.pretrain.epochs ?? PRETRAIN_EPOCHS[data.name] ?? 10 };
    const pre = await pretrainOrLoad({
      model: qm.model, data, config: pretrain, seed: ctx.seed, cacheDir: ctx.paths.cacheDir,
      network: { name: qm.model.name, architecture: modelFingerprint(qm.model), initSeed, activationBits: options.activationBits },
      logger: ctx.logger, signal: ctx.signal,
    });
    this.pre = pre;
    const layers = qm.layerTable();
    this.layerCount = layers.length;
    this.fpValidation = options.validationLimit === null
      ? pre.meta.validationAccuracy
      : measureAccuracy(qm.model, strided(data.validation, options.validationLimit), data, data.numClasses).top1;
    if (options.cache) {
      const key = {
        version: 1, checkpoint: pre.meta.key, quantizer: quantizerFingerprint(quantizer), finetune: options.finetune,
        validationLimit: options.validationLimit, activationBits: options.activationBits, seed: ctx.seed,
      };
      const file = join(ctx.paths.cacheDir, 'evaluations', `${qm.model.name}-${data.name}-${sha256(canonicalJson(key)).slice(0, 16)}.jsonl`);
      this.cache = new EvaluationCache(file, key);
      ctx.logger.info(`evaluation cache ${file}: ${this.cache.size} assignments known`);
    }
    this.local = new InProcessScorer(new FineTuneSession(qm, data, pre.snapshot, ctx.seed), ctx.signal);
    const workers = this.workerCount();
    this.scorer = workers === 0
      ? this.local
      : await PoolScorer.start(ctx, workers, { data, checkpointDir: pre.dir, initSeed, activationBits: options.activationBits });
    return {
      network: qm.model.name,
      layers,
      fullPrecisionAccuracy: this.fpValidation,
      fixedLayers: network.defaultFixedLayers,
      fixedBits: 8,
    };
  }

  evaluate(bits: Bitwidths): Promise<Evaluation> {
    const scorer = this.ready();
    const key = bits.join(',');
    if (bits.length !== this.layerCount) {
      return Promise.reject(new ReleqError('internal', `evaluate: ${bits.length} bitwidths for ${this.layerCount} layers`));
    }
    this.answered.add(key);
    const cached = this.cache?.get(bits);
    if (cached !== undefined) {
      this.counts.cacheHits++;
      return Promise.resolve({ accuracy: cached.accuracy, origin: 'measured', seconds: 0 });
    }
    const pending = this.inflight.get(key);
    if (pending !== undefined) {
      this.counts.cacheHits++; // answered by the measurement already running
      return pending;
    }
    const run = scorer.score({ bits, config: this.options.finetune, evalLimit: this.options.validationLimit, withTest: false })
      .then((r): Evaluation => {
        this.counts.measured++;
        if (r.diverged) this.ctx.logger.warn(`the fine-tune of [${bits.join(', ')}] diverged after ${r.steps} steps; scored as it stood: ${(100 * r.validation.top1).toFixed(2)}%`);
        this.cache?.put({ bits: [...bits], accuracy: r.validation.top1, seconds: r.seconds });
        return { accuracy: r.validation.top1, origin: 'measured', seconds: r.seconds };
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, run);
    return run;
  }

  /** Evaluations run at once: one per worker. */
  parallelism(): number {
    return this.scorer?.parallelism ?? 1;
  }

  stats(): EvaluatorStats {
    return { distinct: this.answered.size, recorded: 0, estimated: 0, measured: this.counts.measured, cacheHits: this.counts.cacheHits };
  }

  async finalize(bits: Bitwidths): Promise<FinalReport> {
    this.ready();
    const scorer = this.local!;
    const { final } = this.options;
    this.ctx.logger.info(`final fine-tune of [${bits.join(', ')}]: ${final.steps ?? `${final.epochs} epochs`} at lr ${final.learningRate}`);
    const r = await scorer.score({ bits, config: final, evalLimit: null, withTest: true });
    if (r.diverged) this.ctx.logger.warn(`the final fine-tune of [${bits.join(', ')}] diverged after ${r.steps} steps; lower evaluator.final.learningRate`);
    const fpTest = this.pre!.meta.testAccuracy;
    const test = r.test!.top1;
    return {
      bits: [...bits],
      validationAccuracy: r.validation.top1,
      testAccuracy: test,
      fullPrecisionTestAccuracy: fpTest,
      accuracyLoss: fpTest - test,
      note: `${r.diverged ? 'DIVERGED after ' : 'fine-tuned '}${r.steps} steps (batch ${final.batchSize}, lr ${final.learningRate}, ${final.optimizer}); full-precision validation ${(100 * this.pre!.meta.validationAccuracy).toFixed(2)}%`,
    };
  }

  async dispose(): Promise<void> {
    if (this.scorer !== this.local) await this.scorer?.close();
    await this.local?.close();
    this.scorer = null;
    this.local = null;
    this.qm?.dispose();
    this.qm = null;
  }

  /** Explicit option wins; else the experiment's setting, where one worker means this thread. */
  private workerCount(): number {
    const pick = (w: number | 'auto'): number => (w === 'auto' ? os.availableParallelism() : w);
    if (this.options.workers !== null) return pick(this.options.workers);
    const fromRun = pick(this.ctx.experiment?.workers ?? 0);
    return fromRun >= 2 ? fromRun : 0;
  }

  private ready(): Scorer {
    if (this.scorer === null) throw new ReleqError('internal', 'finetune evaluator used before prepare() (or after dispose())');
    return this.scorer;
  }
}

function checkCompatible(network: Network, data: LoadedDataset): void {
  const [h, w, c] = network.inputShape;
  const [dh, dw, dc] = data.shape;
  if (h !== dh || w !== dw || c !== dc) {
    throw new ReleqError('config', `the network takes ${h}x${w}x${c} inputs, but data set ${data.name} has ${dh}x${dw}x${dc} images`, {
      hint: 'pair the network with its data set (lenet: mnist; simplenet, vgg11, resnet20: cifar10; svhn: svhn; alexnet, mobilenet: imagenet)',
    });
  }
  if (network.numClasses !== data.numClasses) {
    throw new ReleqError('config', `the network has ${network.numClasses} outputs, but data set ${data.name} has ${data.numClasses} classes`, {
      hint: 'set the network\'s numClasses option to the data set\'s class count',
    });
  }
}
