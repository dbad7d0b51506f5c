import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ReleqError, type ReleqErrorKind } from '../errors.js';
import type { BackendChoice, BackendInfo } from '../registry/contracts/backend.js';
import type { SerializedError, TaskMessage, WorkerBoot, WorkerMessage } from './protocol.js';

export interface WorkerPoolOptions {
  /** Number of workers; 'auto' = os.availableParallelism(). Default 'auto'. */
  readonly workers?: number | 'auto';
  /** Backend each worker starts for itself. Default 'auto' (native TensorFlow, else wasm). */
  readonly backend?: BackendChoice;
  /** wasm threads per worker. Default 1 (the pool itself uses the cores). */
  readonly threadsPerWorker?: number;
  readonly fusedBatchNorm?: boolean;
  /** Aborting it disposes the pool (wire it to Ctrl-C, see abortOnSignals). */
  readonly signal?: AbortSignal;
}

export interface WorkerTask<P = unknown> {
  /** The module to import in the worker: a file URL or path of compiled JS (or .ts under tsx). */
  readonly module: string | URL;
  /** Its exported function `(payload, ctx) => result`. */
  readonly exportName: string;
  /** Structured-cloneable payload; typed arrays listed in `transfer` move instead of copying. */
  readonly payload: P;
  readonly transfer?: readonly ArrayBuffer[];
  readonly signal?: AbortSignal;
}

interface Job {
  readonly id: number;
  readonly task: WorkerTask;
  readonly moduleUrl: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly pinned: number | undefined;
  slot?: Slot;
  cleanup?: () => void;
}

interface Slot {
  readonly index: number;
  readonly worker: Worker;
  info: BackendInfo | undefined;
  busy: Job | undefined;
  lastError: Error | undefined;
  stopReason: Error | undefined;
  readonly ready: Promise<BackendInfo>;
}

const here = import.meta.url;
const runningTs = here.endsWith('.ts');

/**
 * Under tsx (tests), a worker must register tsx's loader before importing .ts files; execArgv
 * '--import tsx' is not applied to the worker's own entry in Node 20, so a small eval bootstrap does it.
 */
function tsxBootstrap(entryUrl: string): string {
  const tsxDir = path.dirname(createRequire(fileURLToPath(here)).resolve('tsx/package.json'));
  const api = pathToFileURL(path.join(tsxDir, 'dist/esm/api/index.mjs')).href;
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entryUrl)}); })` +
    `.catch((e) => { setImmediate(() => { throw e; }); });`;
}

/** A worker module URL; under tsx a './x.js' that exists only as './x.ts' maps to the .ts file. */
export function resolveWorkerModule(module: string | URL): string {
  const url = module instanceof URL ? module : module.startsWith('file:') ? new URL(module) : pathToFileURL(path.resolve(module));
  if (runningTs && url.pathname.endsWith('.js')) {
    const file = fileURLToPath(url);
    const ts = `${file.slice(0, -3)}.ts`;
    if (!existsSync(file) && existsSync(ts)) return pathToFileURL(ts).href;
  }
  return url.href;
}

function rebuild(error: SerializedError): Error {
  const out = error.releqKind === undefined
    ? new Error(error.message)
    : new ReleqError(error.releqKind as ReleqErrorKind, error.message, error.hint === undefined ? {} : { hint: error.hint });
  if (error.releqKind === undefined) out.name = error.name;
  if (error.stack !== undefined) out.stack = error.stack;
  return out;
}

function abortError(reason: unknown, what: string): Error {
  const error = new Error(`${what} aborted${reason instanceof Error ? `: ${reason.message}` : ''}`);
  error.name = 'AbortError';
  return error;
}

/**
 * worker_threads pool: each worker holds its own backend (and whatever model state its task
 * modules keep), runs one task at a time, and is replaced if it crashes.
 */
export class WorkerPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly boot: Omit<WorkerBoot, 'index'>;
  private nextId = 1;
  private disposed = false;
  private readonly onAbort = (): void => { void this.dispose(); };

  private constructor(private readonly options: WorkerPoolOptions) {
    const workers = options.workers ?? 'auto';
    this.size = workers === 'auto' ? os.availableParallelism() : workers;
    if (!Number.isInteger(this.size) || this.size < 1) {
      throw new ReleqError('config', `workers must be a positive integer or 'auto' (got ${String(workers)})`);
    }
    this.boot = { backend: options.backend ?? 'auto', threads: options.threadsPerWorker ?? 1, fusedBatchNorm: options.fusedBatchNorm ?? true };
  }

  /** Starts every worker and waits until each has its backend running. */
  static async create(options: WorkerPoolOptions = {}): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    if (options.signal?.aborted === true) throw abortError(options.signal.reason, 'worker pool start');
    options.signal?.addEventListener('abort', pool.onAbort, { once: true });
    for (let i = 0; i < pool.size; i++) pool.slots.push(pool.spawn(i));
    try {
      await Promise.all(pool.slots.map((s) => s.ready));
    } catch (error) {
      await pool.dispose();
      throw error;
    }
    return pool;
  }

  /** Backends the workers run (for the run's log). */
  backends(): BackendInfo[] {
    return this.slots.map((s) => s.info).filter((i): i is BackendInfo => i !== undefined);
  }

  /** Runs a task on the next free worker. */
  run<R>(task: WorkerTask): Promise<R> {
    return this.enqueue(task, undefined) as Promise<R>;
  }

  /** Runs tasks[i] on worker i, all at once (data-parallel steps that meet at a barrier). */
  runOnEach<R>(tasks: readonly WorkerTask[]): Promise<R[]> {
    if (tasks.length !== this.size) {
      return Promise.reject(new ReleqError('internal', `runOnEach needs one task per worker (${this.size}), got ${tasks.length}`));
    }
    return Promise.all(tasks.map((t, i) => this.enqueue(t, i))) as Promise<R[]>;
  }

  /** Terminates every worker; queued and running tasks reject. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.options.signal?.removeEventListener('abort', this.onAbort);
    const reason = this.options.signal?.aborted === true ? abortError(this.options.signal.reason, 'worker pool') : new Error('worker pool disposed');
    for (const job of this.queue.splice(0)) this.finish(job, reason);
    await Promise.all(this.slots.map(async (slot) => {
      slot.stopReason = reason;
      if (slot.busy !== undefined) this.finish(slot.busy, reason);
      await slot.worker.terminate();
    }));
  }

  private enqueue(task: WorkerTask, pinned: number | undefined): Promise<unknown> {
    if (this.disposed) return Promise.reject(new Error('worker pool disposed'));
    if (task.signal?.aborted === true) return Promise.reject(abortError(task.signal.reason, 'task'));
    return new Promise((resolve, reject) => {
      const job: Job = { id: this.nextId++, task, moduleUrl: resolveWorkerModule(task.module), resolve, reject, pinned };
      if (task.signal !== undefined) {
        const signal = task.signal;
        const onAbort = (): void => this.abortJob(job, abortError(signal.reason, `task ${task.exportName}`));
        signal.addEventListener('abort', onAbort, { once: true });
        job.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(job);
      this.dispatch();
    });
  }

  private abortJob(job: Job, reason: Error): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.finish(job, reason);
    } else if (job.slot !== undefined && job.slot.busy === job) {
      // A running task cannot be interrupted inside its worker: stop the worker and replace it.
      job.slot.stopReason = reason;
      void job.slot.worker.terminate();
    }
  }

  private finish(job: Job, outcome: Error | { value: unknown }): void {
    job.cleanup?.();
    if (job.slot?.busy === job) job.slot.busy = undefined;
    if (outcome instanceof Error) job.reject(outcome); else job.resolve(outcome.value);
  }

  private dispatch(): void {
    if (this.disposed) return;
    for (const slot of this.slots) {
      if (slot.busy !== undefined || slot.info === undefined) continue;
      const at = this.queue.findIndex((j) => j.pinned === undefined || j.pinned === slot.index);
      if (at < 0) continue;
      const job = this.queue.splice(at, 1)[0]!;
      job.slot = slot;
      slot.busy = job;
      slot.worker.ref();
      const message: TaskMessage = { type: 'task', id: job.id, moduleUrl: job.moduleUrl, exportName: job.task.exportName, payload: job.task.payload };
      try {
        slot.worker.postMessage(message, (job.task.transfer ?? []) as ArrayBuffer[]);
      } catch (error) {
        this.finish(job, new ReleqError('internal', `could not send task ${job.task.exportName} to worker ${slot.index}: ${(error as Error).message}`, { hint: 'payloads must be structured-cloneable (plain data, typed arrays)' }));
      }
    }
  }

  private spawn(index: number): Slot {
    const boot: WorkerBoot = { ...this.boot, index };
    const worker = runningTs
      ? new Worker(tsxBootstrap(new URL('./worker-main.ts', here).href), { eval: true, workerData: boot })
      : new Worker(new URL('./worker-main.js', here), { workerData: boot });
    let markReady!: (info: BackendInfo) => void;
    let failReady!: (error: Error) => void;
    const ready = new Promise<BackendInfo>((resolve, reject) => { markReady = resolve; failReady = reject; });
    ready.catch(() => undefined);
    const slot: Slot = { index, worker, info: undefined, busy: undefined, lastError: undefined, stopReason: undefined, ready };
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') {
        slot.info = message.info;
        markReady(message.info);
        if (slot.busy === undefined) worker.unref();
        this.dispatch();
      } else if (message.type === 'boot-failed') {
        const error = rebuild(message.error);
        slot.stopReason = error;
        failReady(error);
        this.failQueue(error);
        void worker.terminate();
      } else {
        const job = slot.busy;
        if (job === undefined || job.id !== message.id) return;
        this.finish(job, message.type === 'result' ? { value: message.value } : rebuild(message.error));
        worker.unref();
        this.dispatch();
      }
    });
    worker.on('error', (error) => { slot.lastError = error; });
    worker.on('exit', (code) => this.onExit(slot, code, failReady));
    return slot;
  }

  private onExit(slot: Slot, code: number, failReady: (error: Error) => void): void {
    const cause = slot.stopReason ?? new Error(`worker ${slot.index} exited with code ${code}${slot.lastError === undefined ? '' : `: ${slot.lastError.message}`}`);
    failReady(cause);
    const job = slot.busy;
    if (job !== undefined) {
      const crashed = slot.stopReason === undefined;
      this.finish(job, crashed
        ? new ReleqError('internal', `worker ${slot.index} crashed while running ${job.task.exportName} from ${job.moduleUrl}: ${cause.message}`, { cause })
        : cause);
    }
    const bootFailed = slot.info === undefined;
    if (this.disposed || bootFailed) return;
    const replacement = this.spawn(slot.index);
    this.slots[this.slots.indexOf(slot)] = replacement;
  }

  private failQueue(error: Error): void {
    if (this.slots.every((s) => s.info === undefined || s.stopReason !== undefined)) {
      for (const job of this.queue.splice(0)) this.finish(job, error);
    }
  }
}

/**
 * An AbortSignal that fires on Ctrl-C (SIGINT) or SIGTERM, for WorkerPoolOptions.signal; a
 * second signal exits at once. Call release() when done to restore the default handlers.
 */
export function abortOnSignals(signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const handler = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new Error(`received ${name}`));
  };
  for (const s of signals) process.on(s, handler);
  return { signal: controller.signal, release: () => { for (const s of signals) process.off(s, handler); } };
}
