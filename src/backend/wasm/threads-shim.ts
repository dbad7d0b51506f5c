import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import workerThreads, { Worker, type MessagePort, type WorkerOptions } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';

/**
 * Makes the threaded-SIMD wasm build start in Node (tfjs issue #3830). Three blockers, fixed
 * from outside:
 * 1. tfjs reports WASM_HAS_MULTITHREAD_SUPPORT=false under Node: the flag is set true.
 * 2. Emscripten starts pthread workers from a `blob:` URL and sends its factory as a Blob, which
 *    Node's Worker rejects: a Worker subclass runs the worker source (exported by the package's
 *    .worker.js) with eval, and rewrites the Blob in the 'load' message to the factory's file path.
 * 3. The C++ init caps threads at logical cores / 2 (assumes SMT): os.cpus() reports twice the
 *    cores while setBackend runs.
 * Pool workers are unref'd (and never re-ref'd) so the process can exit.
 */
const require = createRequire(import.meta.url);

function wasmOutDir(): string {
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
}

class PthreadWorker extends Worker {
  constructor(filename: string | URL, options?: WorkerOptions) {
    const isBlob = String(filename).startsWith('blob:');
    if (isBlob) {
      const source = (require(path.join(wasmOutDir(), 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string }).wasmWorkerContents;
      // The source holds literal newlines inside string literals; tfjs re-escapes them the same way.
      super(source.replace(/\n/g, '\\n'), { ...options, eval: true });
    } else {
      super(filename, options);
    }
    this.unref();
  }

  override postMessage(message: unknown, transfer?: readonly (ArrayBuffer | MessagePort)[]): void {
    const msg = message as { cmd?: string; urlOrBlob?: unknown } | null;
    if (msg !== null && typeof msg === 'object' && msg.cmd === 'load' && typeof msg.urlOrBlob !== 'string') {
      msg.urlOrBlob = path.join(wasmOutDir(), 'tfjs-backend-wasm-threaded-simd.js');
    }
    super.postMessage(message, transfer as never);
  }

  // Emscripten re-refs a worker while it runs a pthread; pool threads live forever, so keep unref'd.
  override ref(): void {}
}

/**
 * Runs `start` (which must call tf.setBackend('wasm')) with the shim in place, asking for
 * `threads` threads. Returns the threads count wasm reports.
 */
export async function withThreadsShim(threads: number, setThreadsCount: (n: number) => void, start: () => Promise<void>): Promise<void> {
  const module = workerThreads as { Worker: typeof Worker };
  const originalWorker = module.Worker;
  const originalCpus = os.cpus;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  module.Worker = PthreadWorker;
  const cpus = originalCpus.call(os);
  os.cpus = () => [...cpus, ...cpus].slice(0, Math.max(2 * threads, cpus.length));
  try {
    await start();
  } finally {
    module.Worker = originalWorker;
    os.cpus = originalCpus;
  }
}
