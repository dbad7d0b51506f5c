import * as tf from '@tensorflow/tfjs';
import { asTensor, copyToNewId, registerWasmKernel, wasmBackend, type KernelArgs } from './kernel-utils.js';

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
  const swapped = packSmallerOperand(args, original, a, b, attrs, flipLast);
  if (swapped !== undefined) {
    for (const t of transposed) t.dispose();
    return swapped;
  }
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

/**
 * A^T B with a long contraction (filter gradients: [K,M]^T [K,N], K = batch x pixels): XNNPACK
 * repacks its B operand on every call at 5-12 ns per element, more than the GEMM itself when K is
 * large, and the stock path packs B (K x N). For M < N, (B^T A)^T packs A (K x M) instead:
 * [65536,32]^T [65536,64] takes ~35 ms instead of ~65 ms. Plain 2-D BatchMatMul only.
 */
function packSmallerOperand(args: KernelArgs, original: tf.KernelFunc, a: tf.Tensor, b: tf.Tensor,
  attrs: { transposeA: boolean; transposeB: boolean }, flipLast: (t: tf.Tensor) => tf.Tensor): tf.TensorInfo | undefined {
  const fused = args.inputs['bias'] != null || args.inputs['preluActivationWeights'] != null
    || ((args.attrs as unknown as { activation?: string }).activation ?? 'linear') !== 'linear';
  if (fused || !attrs.transposeA || attrs.transposeB || a.rank !== 2 || b.rank !== 2) return undefined;
  const [k, m] = a.shape as [number, number];
  const n = b.shape[1]!;
  if (m >= n || k * n < 65536) return undefined;
  const bT = flipLast(b);
  const aGuarded = guardStalePacking(args, a);
  try {
    const cT = original({ inputs: { a: bT, b: aGuarded }, backend: args.backend, attrs: { ...args.attrs, transposeA: false, transposeB: false } }) as tf.TensorInfo;
    const cTt = tf.engine().makeTensorFromTensorInfo(cT);
    const c = tf.transpose(cTt, [1, 0]);
    cTt.dispose();
    return c;
  } finally {
    if (aGuarded !== a) wasmBackend(args).disposeData(aGuarded.dataId);
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
