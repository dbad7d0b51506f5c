// Worker side of the finetune evaluator's pool: each worker rebuilds the network and quantizer
// from the run's plugin refs, loads the full-precision checkpoint and keeps the session between
// tasks, reading the data sets from shared memory (no copy per worker).
import { ReleqError } from '../errors.js';
import { ConsoleLogger } from '../services/logger.js';
import { Rng } from '../services/rng.js';
import type { ImageSplit } from '../registry/contracts/dataset.js';
import type { Network, Quantizer } from '../registry/contracts/index.js';
import type { PluginContext, RunPaths } from '../registry/plugin.js';
import type { PluginRef } from '../runner/config/types.js';
import type { WorkerTaskContext } from '../workers/protocol.js';
import { loadCheckpoint } from './checkpoint-store.js';
import { FineTuneSession, type ScoreResult, type SessionData } from './finetune-session.js';
import type { ScoreTask } from './scorer.js';
import { restoreWeights } from './weights.js';

export interface WorkerSetup {
  readonly sessionId: string;
  /** User plugin modules of the experiment (absolute paths). */
  readonly plugins: readonly string[];
  readonly network: PluginRef;
  readonly quantizer: PluginRef;
  readonly paths: RunPaths;
  readonly seed: number;
  readonly initSeed: number;
  readonly activationBits: number | null;
  readonly checkpointDir: string;
  /** train and validation backed by SharedArrayBuffers; test is left out (final reports run in the main thread). */
  readonly data: SessionData;
}

const sessions = new Map<string, FineTuneSession>();

async function createPlugin<T>(kind: 'network' | 'quantizer', ref: PluginRef, plugins: readonly string[], ctx: PluginContext): Promise<T> {
  const { createBuiltinRegistry } = await import('../../plugins/index.js');
  const { loadUserPlugins } = await import('../registry/user-plugins.js');
  const registry = createBuiltinRegistry();
  await loadUserPlugins(registry, plugins);
  const { name, ...options } = ref;
  return await registry.get(kind, name).definition.create(options as never, ctx) as T;
}

export async function setup(payload: WorkerSetup, worker: WorkerTaskContext): Promise<{ ready: true; worker: number }> {
  const ctx: PluginContext = {
    seed: payload.seed,
    rng: (stream) => Rng.stream(payload.seed, stream),
    logger: new ConsoleLogger('warn'),
    paths: payload.paths,
    resolvePath: (p) => p,
    backend: async () => worker.backend,
    use: () => Promise.reject(new ReleqError('internal', 'plugins rebuilt in a worker cannot use other plugins')),
    signal: new AbortController().signal,
  };
  const network = await createPlugin<Network>('network', payload.network, payload.plugins, ctx);
  const quantizer = await createPlugin<Quantizer>('quantizer', payload.quantizer, payload.plugins, ctx);
  const qm = network.build({ quantizer, seed: payload.initSeed, activationBits: payload.activationBits });
  const checkpoint = loadCheckpoint(payload.checkpointDir);
  if (checkpoint === null) throw new ReleqError('internal', `worker ${worker.workerIndex}: no checkpoint in ${payload.checkpointDir}`);
  restoreWeights(qm.model, checkpoint.snapshot);
  sessions.get(payload.sessionId)?.qm.dispose();
  sessions.set(payload.sessionId, new FineTuneSession(qm, payload.data, checkpoint.snapshot, payload.seed));
  return { ready: true, worker: worker.workerIndex };
}

export async function score(payload: { sessionId: string; task: ScoreTask }): Promise<ScoreResult> {
  const session = sessions.get(payload.sessionId);
  if (session === undefined) throw new ReleqError('internal', `finetune worker has no session ${payload.sessionId}`);
  const { task } = payload;
  return session.score(task.bits, task.config, { evalLimit: task.evalLimit, withTest: false });
}

export function teardown(payload: { sessionId: string }): boolean {
  sessions.get(payload.sessionId)?.qm.dispose();
  return sessions.delete(payload.sessionId);
}

/** A copy of a split in shared memory, so every worker reads the same bytes. */
export function shareSplit(split: ImageSplit): ImageSplit {
  const images = new Uint8Array(new SharedArrayBuffer(split.images.byteLength));
  images.set(split.images);
  const labels = new Int32Array(new SharedArrayBuffer(split.labels.byteLength));
  labels.set(split.labels);
  return { images, labels, count: split.count };
}
