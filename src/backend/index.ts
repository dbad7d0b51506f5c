import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { BackendChoice, BackendInfo } from '../registry/contracts/backend.js';
import { ReleqError } from '../errors.js';
import { disableFusedBatchNorm, enableFusedBatchNorm } from './fused-batch-norm.js';
import { enableRelu6Patch } from './relu6-patch.js';
import { startNative } from './native.js';
import { assertPinnedTfjs } from './version.js';
import { registerWasmTrainingKernels } from './wasm/index.js';
import { withThreadsShim } from './wasm/threads-shim.js';

export interface BackendOptions {
  /** wasm threads: 1 = single-thread SIMD build; 2..8 = threaded-SIMD build; 'auto' = cores (at most 8). */
  readonly threads?: number | 'auto';
  /** The closed-form batch-norm training op (default true). */
  readonly fusedBatchNorm?: boolean;
}

/** The threaded-SIMD build's pthread pool size (PTHREAD_POOL_SIZE in tfjs-backend-wasm 4.22). */
const MAX_WASM_THREADS = 8;

let started: { choice: BackendChoice; promise: Promise<BackendInfo> } | undefined;

/**
 * Starts the tensor backend once per process: `import * as tf from '@tensorflow/tfjs'` then runs
 * on it. Idempotent: the same choice (or 'auto', or the name 'auto' resolved to) returns the same
 * info; any other choice afterwards is a ReleqError. Options count only on the first call.
 */
export function initBackend(choice: BackendChoice, options: BackendOptions = {}): Promise<BackendInfo> {
  if (started !== undefined) {
    const first = started;
    if (first.choice === choice || choice === 'auto') return first.promise;
    // A named choice is compatible with an 'auto' start that resolved to that same backend.
    return first.promise.then((info) => {
      if (info.name === choice) return info;
      throw new ReleqError('backend', `backend '${choice}' requested, but '${info.name}' (chosen as '${first.choice}') is already running in this process`, {
        hint: 'a process runs one tensor backend; use one backend setting per run (a worker starts its own)',
      });
    });
  }
  const promise = start(choice, options);
  started = { choice, promise };
  promise.catch(() => { if (started?.promise === promise) started = undefined; });
  return promise;
}

/** The info of the running backend, or undefined before initBackend resolved. */
export async function currentBackend(): Promise<BackendInfo | undefined> {
  return started === undefined ? undefined : started.promise.catch(() => undefined);
}

/** Training on the pure-JS cpu backend is 300-850x slower than wasm: refuse it. */
export function assertCanTrain(info: BackendInfo): void {
  if (info.name === 'cpu') {
    throw new ReleqError('backend', "the 'cpu' backend serves inference only: training on it is 300-850x slower than wasm", {
      hint: "set backend: auto (or wasm) in the experiment, or --set backend=wasm",
    });
  }
}

async function start(choice: BackendChoice, options: BackendOptions): Promise<BackendInfo> {
  const tfjsVersion = assertPinnedTfjs();
  if (options.fusedBatchNorm ?? true) enableFusedBatchNorm(); else disableFusedBatchNorm();
  enableRelu6Patch();
  const cores = os.availableParallelism();
  if (choice === 'tensorflow' || choice === 'tensorflow-gpu') {
    await startNative(choice);
    return { name: choice, threads: cores, tfjsVersion };
  }
  if (choice === 'auto') {
    try {
      await startNative('tensorflow');
      return { name: 'tensorflow', threads: cores, tfjsVersion };
    } catch (error) {
      // auto: any native failure (not installed, built for another Node, ...) falls back to wasm.
      if (!ReleqError.is(error)) throw error;
    }
  }
  if (choice === 'cpu') {
    await setBackendOrThrow('cpu');
    return { name: 'cpu', threads: 1, tfjsVersion };
  }
  const threads = options.threads === undefined || options.threads === 'auto' ? Math.min(cores, MAX_WASM_THREADS) : options.threads;
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_WASM_THREADS) {
    throw new ReleqError('backend', `wasm threads must be an integer in 1..${MAX_WASM_THREADS} or 'auto' (got ${String(options.threads)})`, {
      hint: `the threaded wasm build preloads ${MAX_WASM_THREADS} pthread workers; more would have to start while the main thread blocks. For more cores use a worker pool`,
    });
  }
  return { name: 'wasm', threads: await startWasm(threads), tfjsVersion };
}

async function startWasm(threads: number): Promise<number> {
  registerWasmTrainingKernels();
  if (threads === 1) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    await setBackendOrThrow('wasm');
  } else {
    await withThreadsShim(threads, setThreadsCount, () => setBackendOrThrow('wasm'));
  }
  return getThreadsCount();
}

async function setBackendOrThrow(name: 'wasm' | 'cpu'): Promise<void> {
  let ok = false;
  let cause: unknown;
  try {
    ok = await tf.setBackend(name);
  } catch (error) {
    cause = error;
  }
  if (!ok || tf.getBackend() !== name) {
    throw new ReleqError('backend', `backend '${name}' failed to start${cause === undefined ? '' : `: ${(cause as Error).message}`}`, {
      cause,
      hint: name === 'wasm' ? 'check that node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm exist (npm ci), or choose backend: cpu for inference only' : 'reinstall @tensorflow/tfjs',
    });
  }
}

export { TFJS_PINNED_VERSION, assertPinnedTfjs } from './version.js';
export { enableFusedBatchNorm, disableFusedBatchNorm, isFusedBatchNormEnabled } from './fused-batch-norm.js';
export { enableRelu6Patch, disableRelu6Patch, isRelu6PatchEnabled } from './relu6-patch.js';
export { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from './wasm/index.js';
export { stockWasmKernel } from './wasm/kernel-utils.js';
