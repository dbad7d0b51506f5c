export { WorkerPool, abortOnSignals, resolveWorkerModule, type WorkerPoolOptions, type WorkerTask } from './pool.js';
export { transferablesIn, type WorkerTaskContext, type WorkerTaskFunction } from './protocol.js';
