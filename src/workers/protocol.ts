import type { BackendChoice, BackendInfo } from '../registry/contracts/backend.js';

/** What a worker needs to start its own backend (sent as workerData). */
export interface WorkerBoot {
  readonly index: number;
  readonly backend: BackendChoice;
  readonly threads: number;
  readonly fusedBatchNorm: boolean;
}

/** Passed to a task function as its second argument. */
export interface WorkerTaskContext {
  readonly workerIndex: number;
  readonly backend: BackendInfo;
}

/** A task function exported by a worker module: `export async function name(payload, ctx)`. */
export type WorkerTaskFunction<P = unknown, R = unknown> = (payload: P, context: WorkerTaskContext) => R | Promise<R>;

export interface TaskMessage {
  readonly type: 'task';
  readonly id: number;
  readonly moduleUrl: string;
  readonly exportName: string;
  readonly payload: unknown;
}

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly releqKind?: string;
  readonly hint?: string;
}

export type WorkerMessage =
  | { readonly type: 'ready'; readonly info: BackendInfo }
  | { readonly type: 'boot-failed'; readonly error: SerializedError }
  | { readonly type: 'result'; readonly id: number; readonly value: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError };

/**
 * ArrayBuffers of the typed arrays found in `value` (plain objects and arrays, any depth) that
 * can be moved instead of copied: not shared, and wholly covered by their view (Node's small
 * Buffers share one pooled ArrayBuffer, which must not be detached).
 */
export function transferablesIn(value: unknown, found: Set<ArrayBuffer> = new Set(), depth = 0): ArrayBuffer[] {
  if (depth > 8 || value === null || typeof value !== 'object') return [...found];
  if (ArrayBuffer.isView(value)) {
    const buffer = value.buffer;
    if (buffer instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === buffer.byteLength) found.add(buffer);
    return [...found];
  }
  if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) return [...found];
  const children = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
  for (const child of children) transferablesIn(child, found, depth + 1);
  return [...found];
}
