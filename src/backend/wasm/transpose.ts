import * as tf from '@tensorflow/tfjs';
import { makeOutput, registerWasmKernel, wasmBackend, type KernelArgs } from './kernel-utils.js';

/**
 * Transpose: the stock C++ kernel is fine while the innermost axis stays in place, but collapses
 * on large power-of-two planes when it moves ([32768,128]^T: ~59 ms, cache-set conflicts). Those
 * are the 1x1-conv filter gradients' [N*H*W, C] transposes. After dropping size-1 axes and merging
 * axes that stay adjacent: a (batched) 2-D transpose with a 4 KiB-multiple row stride runs as a
 * cache-blocked copy on the heap, [A,B,C] -> [C,B,A] (the conv-filter gradient's NHWC -> CHWN) as
 * three cache-friendly stock passes, and everything else as one stock call on the merged shape
 * (its 3-D loops are ~3x faster than its 4-D ones, e.g. NHWC -> HWNC).
 */
const TILE = 16;

/** Drops size-1 axes and merges runs of axes that stay adjacent and in order under the perm. */
export function collapse(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  const kept = perm.filter((a) => shape[a] !== 1);
  const order = [...kept].sort((a, b) => a - b);
  const groups: number[][] = [];
  for (const a of kept) {
    const last = groups[groups.length - 1];
    if (last !== undefined && order.indexOf(a) === order.indexOf(last[last.length - 1]!) + 1) last.push(a);
    else groups.push([a]);
  }
  const byInput = [...groups].sort((g, h) => g[0]! - h[0]!);
  return {
    shape: byInput.map((g) => g.reduce((p, a) => p * shape[a]!, 1)),
    perm: groups.map((g) => byInput.indexOf(g)),
  };
}

function blockedTranspose(src: Float32Array | Int32Array | Uint8Array, dst: Float32Array | Int32Array | Uint8Array, batch: number, rows: number, cols: number): void {
  const plane = rows * cols;
  for (let b = 0; b < batch; b++) {
    const base = b * plane;
    // Strips of TILE columns; four source rows at a time, so each destination row gets four
    // consecutive values per visit (~1 ns/element; one row at a time was 1.5-3 ns).
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(cols, j0 + TILE);
      let i = 0;
      for (; i + 4 <= rows; i += 4) {
        const r0 = base + i * cols;
        const r1 = r0 + cols;
        const r2 = r1 + cols;
        const r3 = r2 + cols;
        for (let j = j0; j < j1; j++) {
          const to = base + j * rows + i;
          dst[to] = src[r0 + j]!;
          dst[to + 1] = src[r1 + j]!;
          dst[to + 2] = src[r2 + j]!;
          dst[to + 3] = src[r3 + j]!;
        }
      }
      for (; i < rows; i++) {
        for (let j = j0; j < j1; j++) dst[base + j * rows + i] = src[base + i * cols + j]!;
      }
    }
  }
}

/** The stock kernel on a reshaped view: its 3-D loops run ~3x faster than its 4-D ones. */
function stockOn(args: KernelArgs, original: tf.KernelFunc, x: tf.TensorInfo, shape: number[], perm: number[]): tf.TensorInfo {
  return original({ inputs: { x: { dataId: x.dataId, shape, dtype: x.dtype } }, backend: args.backend, attrs: { perm } }) as tf.TensorInfo;
}

function withShape(args: KernelArgs, out: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  const stored = wasmBackend(args).dataIdMap.get(out.dataId);
  if (stored !== undefined) stored.shape = shape.slice();
  return { dataId: out.dataId, shape, dtype: out.dtype };
}

function transpose(args: KernelArgs, original: tf.KernelFunc | undefined): tf.TensorInfo {
  const x = args.inputs['x']!;
  const perm = (args.attrs as unknown as { perm: number[] }).perm;
  const outShape = perm.map((a) => x.shape[a]!);
  if (x.dtype === 'string' || original === undefined) return original!(args) as tf.TensorInfo;
  const c = collapse(x.shape, perm);
  const r = c.shape.length;
  const innerMoves = r >= 2 && c.perm[r - 1] !== r - 1;
  const plane = r >= 2 ? c.shape[r - 1]! * c.shape[r - 2]! : 0;
  const backend = wasmBackend(args);
  if (r === 3 && c.perm[0] === 2 && c.perm[1] === 1 && c.perm[2] === 0) {
    // [A,B,C] -> [C,B,A] (the conv-filter gradient's NHWC -> CHWN) as three cache-friendly stock
    // passes: [B,A,C] (blocks of C), [B,C,A] (small A x C planes), [C,B,A] (blocks of A).
    const [a, b, cc] = c.shape as [number, number, number];
    const first = stockOn(args, original, x, [a, b, cc], [1, 0, 2]);
    const second = stockOn(args, original, first, [b, a, cc], [0, 2, 1]);
    backend.disposeData(first.dataId);
    const third = stockOn(args, original, second, [b, cc, a], [1, 0, 2]);
    backend.disposeData(second.dataId);
    return withShape(args, third, outShape);
  }
  const isBatched2d = (r === 2) || (r === 3 && c.perm[0] === 0 && c.perm[1] === 2 && c.perm[2] === 1);
  const [batch, rows, cols] = r === 2 ? [1, c.shape[0]!, c.shape[1]!] : [c.shape[0]!, c.shape[1]!, c.shape[2]!];
  // The stock kernel is fine unless a row stride is a multiple of 4 KiB (cache-set conflicts).
  if (innerMoves && plane >= 4096 && isBatched2d && (rows! % 1024 === 0 || cols! % 1024 === 0)) {
    const out = makeOutput(backend, outShape, x.dtype);
    blockedTranspose(backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(out) as Float32Array, batch, rows, cols);
    return out;
  }
  if (r < 2 || r === x.shape.length) return original(args) as tf.TensorInfo;
  return withShape(args, stockOn(args, original, x, c.shape, c.perm), outShape);
}

export function registerTransposeKernel(): void {
  registerWasmKernel(tf.Transpose, (args, original) => transpose(args, original));
}
