import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { RELEQ_KERNELS_WASM, RELEQ_KERNELS_WASM_SHARED } from './releq-kernels-binary.js';
import { WebAssemblyApi, type WasmMemory } from './webassembly-api.js';

/**
 * releq's own wasm SIMD kernels (native/wasm-kernels/kernels.c), instantiated on the tfjs wasm
 * module's own memory so they read and write tensors in place: no copies in or out of the heap,
 * and none of the per-call weight packing that XNNPACK does.
 */
export interface ReleqKernels {
  /** True on the threaded build (shared memory): the kernels still run on the calling thread only. */
  readonly threaded: boolean;
  /** dW [kh,kw,cin,cout] of an NHWC conv; pointers are byte offsets on the tfjs heap. */
  conv2d_filter_grad(x: number, dy: number, dw: number, n: number, h: number, w: number, cin: number,
    oh: number, ow: number, cout: number, kh: number, kw: number, sh: number, sw: number,
    dh: number, dwl: number, pt: number, pl: number): void;
  /** dW [kh,kw,c,m] of an NHWC depthwise conv with channel multiplier m (dilation 1). */
  depthwise_filter_grad(x: number, dy: number, dw: number, n: number, h: number, w: number, c: number,
    oh: number, ow: number, m: number, kh: number, kw: number, sh: number, sw: number, pt: number, pl: number): void;
  /** dx [n,h,w,c] of an NHWC depthwise conv with multiplier 1 (dilation 1) from dy and W [kh,kw,c]. */
  depthwise_input_grad(dy: number, w: number, dx: number, n: number, h: number, wd: number, c: number, oh: number, ow: number,
    kh: number, kw: number, sh: number, sw: number, pt: number, pl: number): void;
  /** dx = dy * (x inside [lo, hi] ? 1 : 0), bounds inside when inclusive = 1, NaN where x is NaN (a clamp's gradient). */
  clip_grad(dy: number, x: number, dx: number, size: number, lo: number, hi: number, inclusive: number): void;
  /** MaxPoolGrad (cpu semantics: first maximum wins, -Infinity start) of an NHWC pool. */
  max_pool_grad(x: number, dy: number, dx: number, n: number, h: number, w: number, c: number, oh: number, ow: number,
    fh: number, fw: number, sh: number, sw: number, pt: number, pl: number): void;
  /** Scatter-adds per-pixel columns [n*oh*ow, kh*kw*cin] into dx [n,h,w,cin] (stride-1 conv input gradient). */
  col2im_add(cols: number, dx: number, n: number, h: number, w: number, cin: number, oh: number, ow: number,
    kh: number, kw: number, pt: number, pl: number): void;
  /** C [m,n] = A [m,k] . B [n,k]^T (row-major, contiguous along k). */
  gemm_nt(a: number, b: number, c: number, m: number, n: number, k: number): void;
  /** Batch-norm training forward over x [rows, c]; scale: c floats of scratch. */
  batch_norm_train(x: number, gamma: number, beta: number, y: number, mean: number, variance: number, invStd: number,
    scale: number, rows: number, c: number, epsilon: number): void;
  /** Its gradient; kc and bias: c floats of scratch each. */
  batch_norm_grad(dy: number, x: number, mean: number, invStd: number, gamma: number, dx: number, dGamma: number,
    dBeta: number, kc: number, bias: number, rows: number, c: number): void;
}

/** The emscripten module fields that hold the heap's WebAssembly.Memory (threaded / single-thread builds). */
interface EmscriptenMemoryFields {
  wasmMemory?: WasmMemory;
  asm?: { memory?: WasmMemory };
}

const instances = new WeakMap<WasmMemory, ReleqKernels>();

function heapMemory(backend: BackendWasm): WasmMemory {
  const fields = backend.wasm as unknown as EmscriptenMemoryFields;
  const memory = fields.wasmMemory ?? fields.asm?.memory;
  if (memory === undefined) throw new Error('releq wasm kernels: the tfjs wasm module exposes no WebAssembly.Memory (tfjs-backend-wasm 4.22.0 expected)');
  return memory;
}

/** The kernels bound to this backend's heap (compiled once per memory, i.e. per process or worker). */
export function releqKernels(backend: BackendWasm): ReleqKernels {
  const memory = heapMemory(backend);
  let kernels = instances.get(memory);
  if (kernels === undefined) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = Buffer.from(shared ? RELEQ_KERNELS_WASM_SHARED : RELEQ_KERNELS_WASM, 'base64');
    const instance = new WebAssemblyApi.Instance(new WebAssemblyApi.Module(bytes), { env: { memory } });
    kernels = { ...(instance.exports as unknown as Omit<ReleqKernels, 'threaded'>), threaded: shared };
    instances.set(memory, kernels);
  }
  return kernels;
}

/** A tensor's byte offset on the wasm heap. */
export function heapOffset(backend: BackendWasm, info: tf.TensorInfo): number {
  return backend.dataIdMap.get(info.dataId).memoryOffset;
}
