import * as tf from '@tensorflow/tfjs';
import { asTensor, copyToNewId, isUnfused, makeOutput, registerWasmKernel, wasmBackend, type KernelArgs } from './kernel-utils.js';
import { heapOffset, releqKernels } from './releq-kernels.js';

/**
 * The stock kernel runs a scalar loop whenever a transpose is requested (both dense-layer
 * gradients): transpose explicitly, then call the stock (XNNPACK) path without transposes.
 *
 * Stale-packing guard: XNNPACK's fully-connected operator caches B's packing under B's data id
 * without its shape, so matMul(a, W.reshape(other)) would reuse the old packing. When the [K,N]
 * seen for a data id changes, the stock kernel gets a fresh copy under a new id instead.
 */
const packedShapeByDataId = new WeakMap<object, string>();

function guardStalePacking(args: KernelArgs, b: tf.TensorInfo): tf.TensorInfo {
  const key = b.shape.slice(-2).join('x');
  const seen = packedShapeByDataId.get(b.dataId);
  if (seen === undefined) {
    packedShapeByDataId.set(b.dataId, key);
    return b;
  }
  return seen === key ? b : copyToNewId(wasmBackend(args), b);
}

function matMulWrapper(args: KernelArgs, original: tf.KernelFunc | undefined, kernel: string): tf.TensorInfo {
  if (original === undefined) throw new Error(`wasm ${kernel}: the stock kernel is missing`);
  const attrs = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
  const a = asTensor(args.inputs['a'], 'a');
  const b = asTensor(args.inputs['b'], 'b');
  const transposed: tf.Tensor[] = [];
  const flipLast = (t: tf.Tensor): tf.Tensor => {
    const perm = t.shape.map((_, i) => i);
    const r = perm.length;
    [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
    const out = tf.transpose(t, perm);
    transposed.push(out);
    return out;
  };
  const direct = productByKernel(args, a, b, attrs);
  if (direct !== undefined) return direct;
  const aa = attrs.transposeA ? flipLast(a) : a;
  const bb = attrs.transposeB ? flipLast(b) : b;
  const bGuarded = attrs.transposeB ? bb : guardStalePacking(args, bb);
  const bias = rankOneBias(args);
  try {
    const result = original({
      inputs: { ...args.inputs, a: aa, b: bGuarded, ...(bias === undefined ? {} : { bias }) },
      backend: args.backend,
      attrs: { ...args.attrs, transposeA: false, transposeB: false },
    }) as tf.TensorInfo;
    return result;
  } finally {
    for (const t of transposed) t.dispose();
    if (bGuarded !== bb) wasmBackend(args).disposeData(bGuarded.dataId);
    if (bias !== undefined && bias !== args.inputs['bias']) wasmBackend(args).disposeData(bias.dataId);
  }
}

/** Rows of op(A) up to which a plain product is worth transposing A for the A^T B kernel. */
const KERNEL_MAX_ROWS = 512;
/**
 * Contraction length from which the A B^T kernel is taken on one thread (`npm run bench:kernels`):
 * K = 1024 ran 1.6-1.9x XNNPACK, K = 128-512 0.9-1.2x, K = 50 0.64x (its lane sums then weigh).
 */
export const NT_MIN_K = 256;

/**
 * Unfused 2-D products by releq's kernels, which read both operands in place; XNNPACK packs its B
 * operand (K x N) on every call at 5-12 ns per element, as costly as the product itself when M is
 * a batch of ~128 rows:
 * - A^T B (weight gradients) and products of at most KERNEL_MAX_ROWS rows (A transposed first):
 *   the 1x1 filter-gradient kernel, C = X^T Y over K "pixels";
 * - A B^T with K >= NT_MIN_K on one thread (input gradients of dense and wide 1x1 convs): gemm_nt.
 */
function productByKernel(args: KernelArgs, a: tf.Tensor, b: tf.Tensor, attrs: { transposeA: boolean; transposeB: boolean }): tf.TensorInfo | undefined {
  if (!isUnfused(args) || a.rank !== 2 || b.rank !== 2 || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  const [m, k] = attrs.transposeA ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
  const n = attrs.transposeB ? b.shape[0]! : b.shape[1]!;
  const backend = wasmBackend(args);
  const kernels = releqKernels(backend);
  if (!attrs.transposeA && attrs.transposeB && k >= NT_MIN_K && !kernels.threaded) {
    const out = makeOutput(backend, [m, n], 'float32');
    kernels.gemm_nt(heapOffset(backend, a), heapOffset(backend, b), heapOffset(backend, out), m, n, k);
    return out;
  }
  if (!attrs.transposeA && m > KERNEL_MAX_ROWS) return undefined;
  const x = attrs.transposeA ? a : tf.transpose(a);
  const y = attrs.transposeB ? tf.transpose(b) : b;
  try {
    const out = makeOutput(backend, [m, n], 'float32');
    kernels.conv2d_filter_grad(heapOffset(backend, x), heapOffset(backend, y), heapOffset(backend, out),
      1, 1, k, m, 1, k, n, 1, 1, 1, 1, 1, 1, 0, 0);
    return out;
  } finally {
    if (x !== a) x.dispose();
    if (y !== b) y.dispose();
  }
}

/**
 * The stock fused kernel checks the rank its bias had when its data was created, so a bias that
 * is a reshape of a rank-4 tensor (a 1x1-conv head loaded as dense) is refused: copy it as rank 1.
 */
function rankOneBias(args: KernelArgs): tf.TensorInfo | undefined {
  const bias = args.inputs['bias'] as tf.TensorInfo | undefined;
  if (bias === undefined || bias === null) return undefined;
  const backend = wasmBackend(args);
  const stored = backend.dataIdMap.get(bias.dataId);
  if (stored === undefined || stored.shape.length === 1) return bias;
  return copyToNewId(backend, { ...bias, shape: [bias.shape.reduce((p, d) => p * d, 1)] });
}

export function registerMatMulKernels(): void {
  registerWasmKernel(tf.BatchMatMul, (args, original) => matMulWrapper(args, original, 'BatchMatMul'));
  registerWasmKernel(tf._FusedMatMul, (args, original) => matMulWrapper(args, original, '_FusedMatMul'));
}
