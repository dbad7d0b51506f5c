// Entry point of every pool worker: starts its own backend (single thread by default), then runs
// tasks one at a time by importing the named module and calling the named export.
import { parentPort, workerData } from 'node:worker_threads';
import { ReleqError } from '../errors.js';
import { initBackend } from '../backend/index.js';
import type { BackendInfo } from '../registry/contracts/backend.js';
import { transferablesIn, type SerializedError, type TaskMessage, type WorkerBoot, type WorkerMessage, type WorkerTaskFunction } from './protocol.js';

const boot = workerData as WorkerBoot;
const port = parentPort!;

function serialize(error: unknown): SerializedError {
  if (error instanceof Error) {
    return {
      name: error.name, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }),
      ...(ReleqError.is(error) ? { releqKind: error.kind, ...(error.hint === undefined ? {} : { hint: error.hint }) } : {}),
    };
  }
  return { name: 'Error', message: String(error) };
}

function send(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

async function run(info: BackendInfo, task: TaskMessage): Promise<void> {
  try {
    const mod = (await import(task.moduleUrl)) as Record<string, unknown>;
    const fn = mod[task.exportName];
    if (typeof fn !== 'function') throw new ReleqError('internal', `worker task module ${task.moduleUrl} has no exported function '${task.exportName}'`);
    const value = await (fn as WorkerTaskFunction)(task.payload, { workerIndex: boot.index, backend: info });
    send({ type: 'result', id: task.id, value }, transferablesIn(value));
  } catch (error) {
    send({ type: 'error', id: task.id, error: serialize(error) });
  }
}

try {
  const info = await initBackend(boot.backend, { threads: boot.threads, fusedBatchNorm: boot.fusedBatchNorm });
  let chain = Promise.resolve();
  port.on('message', (message: TaskMessage) => {
    if (message.type === 'task') chain = chain.then(() => run(info, message));
  });
  send({ type: 'ready', info });
} catch (error) {
  send({ type: 'boot-failed', error: serialize(error) });
}
