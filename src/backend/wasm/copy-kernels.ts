import * as tf from '@tensorflow/tfjs';
import { makeOutput, registerWasmKernel, stridesOf, wasmBackend, type KernelArgs } from './kernel-utils.js';

/** Identity as a refcount bump (as the cpu backend does): customGrad clones every saved tensor. */
function identity(args: KernelArgs): tf.TensorInfo {
  const x = args.inputs['x']!;
  wasmBackend(args).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Cast to the dtype x already has (every ReLU gradient casts step(x)): a refcount bump, not a copy. */
function cast(args: KernelArgs, original: tf.KernelFunc | undefined): tf.TensorInfo {
  const x = args.inputs['x']!;
  if (x.dtype !== (args.attrs as unknown as { dtype: tf.DataType }).dtype) return original!(args) as tf.TensorInfo;
  return identity(args);
}

/**
 * Tile by block copies: copy the innermost row, then replicate each finished block by doubling
 * copyWithin, from the inner axis outwards (the stock kernel spends ~25 ns/element on indexing).
 */
function tile(args: KernelArgs, original: tf.KernelFunc | undefined): tf.TensorInfo {
  const x = args.inputs['x']!;
  if (x.dtype === 'string') return original!(args) as tf.TensorInfo;
  const reps = (args.attrs as unknown as { reps: number[] }).reps;
  const backend = wasmBackend(args);
  const outShape = x.shape.map((d, i) => d * reps[i]!);
  const out = makeOutput(backend, outShape, x.dtype);
  if (outShape.some((d) => d === 0)) return out;
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const rank = x.shape.length;
  if (rank === 0) { dst[0] = src[0]!; return out; }
  const srcStrides = stridesOf(x.shape);
  const dstStrides = stridesOf(outShape);
  const replicate = (start: number, block: number, times: number): void => {
    let filled = block;
    const total = block * times;
    while (filled < total) {
      const n = Math.min(filled, total - filled);
      dst.copyWithin(start + filled, start, start + n);
      filled += n;
    }
  };
  const fill = (axis: number, srcOff: number, dstOff: number): void => {
    const len = x.shape[axis]!;
    if (axis === rank - 1) {
      dst.set(src.subarray(srcOff, srcOff + len), dstOff);
    } else {
      for (let i = 0; i < len; i++) fill(axis + 1, srcOff + i * srcStrides[axis]!, dstOff + i * dstStrides[axis]!);
    }
    const block = axis === rank - 1 ? len : len * dstStrides[axis]!;
    if (reps[axis]! > 1) replicate(dstOff, block, reps[axis]!);
  };
  fill(0, 0, 0);
  return out;
}

/**
 * Slice straight from a heap view (the stock kernel first reads the whole input out of the heap);
 * fully-taken trailing axes merge into one contiguous set().
 */
function slice(args: KernelArgs, original: tf.KernelFunc | undefined): tf.TensorInfo {
  const x = args.inputs['x']!;
  if (x.dtype === 'string') return original!(args) as tf.TensorInfo;
  const attrs = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
  const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin, attrs.size);
  const backend = wasmBackend(args);
  const out = makeOutput(backend, size.slice(), x.dtype);
  if (size.some((d) => d === 0)) return out;
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const rank = x.shape.length;
  if (rank === 0) { dst[0] = src[0]!; return out; }
  const strides = stridesOf(x.shape);
  // Innermost axis that is not taken whole; everything after it is contiguous.
  let k = rank - 1;
  while (k > 0 && begin[k] === 0 && size[k] === x.shape[k]) k--;
  const chunk = size[k]! * strides[k]!;
  const idx = new Array<number>(k).fill(0);
  let dstOff = 0;
  for (;;) {
    let srcOff = begin[k]! * strides[k]!;
    for (let a = 0; a < k; a++) srcOff += (begin[a]! + idx[a]!) * strides[a]!;
    dst.set(src.subarray(srcOff, srcOff + chunk), dstOff);
    dstOff += chunk;
    let a = k - 1;
    while (a >= 0) {
      idx[a]!++;
      if (idx[a]! < size[a]!) break;
      idx[a] = 0;
      a--;
    }
    if (a < 0) break;
  }
  return out;
}

export function registerCopyKernels(): void {
  registerWasmKernel(tf.Identity, (args) => identity(args));
  registerWasmKernel(tf.Cast, (args, original) => cast(args, original));
  registerWasmKernel(tf.Tile, (args, original) => tile(args, original));
  registerWasmKernel(tf.Slice, (args, original) => slice(args, original));
}
