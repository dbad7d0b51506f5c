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
