import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Marks kernel functions registered by releq, so a second registration is skipped. */
const RELEQ_KERNEL = Symbol.for('releq/wasm-kernel');

export type KernelArgs = Parameters<tf.KernelFunc>[0];
export type KernelResult = tf.TensorInfo | tf.TensorInfo[];
/** A replacement kernel; `original` is the stock wasm kernel it replaces (if any). */
export type WasmKernelImpl = (args: KernelArgs, original: tf.KernelFunc | undefined) => KernelResult;

function isOurs(config: tf.KernelConfig | undefined): boolean {
  return config !== undefined && (config.kernelFunc as unknown as Record<symbol, unknown>)[RELEQ_KERNEL] === true;
}

/**
 * Registers `impl` for backend 'wasm' under `kernelName`, replacing a stock kernel if present.
 * Idempotent: keeps the stock setupFunc (it cwraps the C++ entry point the original still calls)
 * and never wraps our own wrapper.
 */
const stockKernels = new Map<string, tf.KernelFunc>();

export function registerWasmKernel(kernelName: string, impl: WasmKernelImpl): void {
  const existing = tf.getKernel(kernelName, 'wasm');
  if (isOurs(existing)) return;
  const original = existing?.kernelFunc;
  if (original !== undefined) stockKernels.set(kernelName, original);
  if (existing !== undefined) tf.unregisterKernel(kernelName, 'wasm');
  const kernelFunc = ((args: KernelArgs) => impl(args, original)) as tf.KernelFunc;
  (kernelFunc as unknown as Record<symbol, unknown>)[RELEQ_KERNEL] = true;
  const config: tf.KernelConfig = { kernelName, backendName: 'wasm', kernelFunc };
  if (existing?.setupFunc !== undefined) config.setupFunc = existing.setupFunc;
  tf.registerKernel(config);
}

/** The stock wasm kernel a replacement wraps (tests reproduce the stock bugs with it). */
export function stockWasmKernel(kernelName: string): tf.KernelFunc | undefined {
  return stockKernels.get(kernelName);
}

export function wasmBackend(args: KernelArgs): BackendWasm {
  return args.backend as unknown as BackendWasm;
}

/** The engine hands kernels the op's Tensor objects; ops inside a kernel need them as Tensors. */
export function asTensor<R extends tf.Rank = tf.Rank>(info: tf.TensorInfo | undefined, name: string): tf.Tensor<R> {
  if (info === undefined) throw new Error(`wasm kernel: missing input ${name}`);
  if (info instanceof tf.Tensor) return info as tf.Tensor<R>;
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor<R>;
}

/** True when a (possibly fused) matMul/conv call has no bias, no prelu weights and a linear activation. */
export function isUnfused(args: KernelArgs): boolean {
  const activation = (args.attrs as unknown as { activation?: string }).activation ?? 'linear';
  return args.inputs['bias'] == null && args.inputs['preluActivationWeights'] == null && activation === 'linear';
}

/** Float32 view of a tensor's bytes on the wasm heap. Re-take views after any allocation (the heap may grow). */
export function heapF32(backend: BackendWasm, info: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** Allocates an output on the heap (uninitialised memory). */
export function makeOutput(backend: BackendWasm, shape: number[], dtype: tf.DataType = 'float32'): tf.TensorInfo {
  return backend.makeOutput(shape, dtype);
}

/** A real copy of a tensor's data under a new data id (tf.clone only bumps a refcount). */
export function copyToNewId(backend: BackendWasm, info: tf.TensorInfo): tf.TensorInfo {
  const out = makeOutput(backend, info.shape.slice(), info.dtype);
  const src = backend.typedArrayFromHeap(info);
  const dst = backend.typedArrayFromHeap(out);
  dst.set(src);
  return out;
}

export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) strides[i] = strides[i + 1]! * shape[i + 1]!;
  return strides;
}
