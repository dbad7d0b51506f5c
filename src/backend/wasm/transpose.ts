import * as tf from '@tensorflow/tfjs';
import { makeOutput, registerWasmKernel, wasmBackend, type KernelArgs } from './kernel-utils.js';

/**
 * Transpose: the stock C++ kernel is fine while the innermost axis stays in place, but collapses
 * on large power-of-two planes when it moves ([32768,128]^T: ~59 ms, cache-set conflicts). Those
 * are the 1x1-conv filter gradients' [N*H*W, C] transposes. After dropping size-1 axes and merging
 * axes that stay adjacent, a (batched) 2-D transpose runs as a cache-blocked copy on the heap, and
 * [A,B,C] -> [C,B,A] (the conv-filter gradient's NHWC -> CHWN) as a 2-D transpose plus a stock call
 * that keeps the innermost axis.
 */
const TILE = 32;

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
    for (let i0 = 0; i0 < rows; i0 += TILE) {
      const i1 = Math.min(rows, i0 + TILE);
      for (let j0 = 0; j0 < cols; j0 += TILE) {
        const j1 = Math.min(cols, j0 + TILE);
        // Contiguous writes, strided reads: with power-of-two planes, 32 strided *writes* per tile
        // land in one cache set and run 4x slower.
        for (let j = j0; j < j1; j++) {
          const to = base + j * rows;
          for (let i = i0; i < i1; i++) dst[to + i] = src[base + i * cols + j]!;
        }
      }
    }
  }
}

function transpose(args: KernelArgs, original: tf.KernelFunc | undefined): tf.TensorInfo {
  const x = args.inputs['x']!;
  const perm = (args.attrs as unknown as { perm: number[] }).perm;
  const outShape = perm.map((a) => x.shape[a]!);
  const c = collapse(x.shape, perm);
  const r = c.shape.length;
  const innerMoves = r >= 2 && c.perm[r - 1] !== r - 1;
  const plane = r >= 2 ? c.shape[r - 1]! * c.shape[r - 2]! : 0;
  if (x.dtype === 'string' || !innerMoves || plane < 4096) return original!(args) as tf.TensorInfo;
  const backend = wasmBackend(args);
  const isBatched2d = (r === 2) || (r === 3 && c.perm[0] === 0 && c.perm[1] === 2 && c.perm[2] === 1);
  if (isBatched2d) {
    const out = makeOutput(backend, outShape, x.dtype);
    const [batch, rows, cols] = r === 2 ? [1, c.shape[0]!, c.shape[1]!] : [c.shape[0]!, c.shape[1]!, c.shape[2]!];
    blockedTranspose(backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(out) as Float32Array, batch, rows, cols);
    return out;
  }
  if (r === 3 && c.perm[0] === 2 && c.perm[1] === 1 && c.perm[2] === 0) {
    const [a, b, cc] = c.shape as [number, number, number];
    const mid = makeOutput(backend, [b, cc, a], x.dtype);
    blockedTranspose(backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(mid) as Float32Array, 1, a, b * cc);
    const out = original!({ inputs: { x: mid }, backend: args.backend, attrs: { perm: [1, 0, 2] } }) as tf.TensorInfo;
    backend.disposeData(mid.dataId);
    return { ...out, shape: outShape };
  }
  return original!(args) as tf.TensorInfo;
}

export function registerTransposeKernel(): void {
  registerWasmKernel(tf.Transpose, (args, original) => transpose(args, original));
}
