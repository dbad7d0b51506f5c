import * as tf from '@tensorflow/tfjs';
import { makeOutput, registerWasmKernel, wasmBackend, type KernelArgs } from './kernel-utils.js';

/**
 * MaxPoolGrad with cpu-backend semantics: the running max starts at -Infinity and the first max
 * in the window wins. The stock kernel starts at FLT_MIN (smallest positive float), so windows
 * whose max is <= 0 route the gradient to the wrong element.
 */
function maxPoolGrad(args: KernelArgs): tf.TensorInfo {
  const dy = args.inputs['dy']!;
  const input = args.inputs['input']!;
  const attrs = args.attrs as unknown as {
    filterSize: number | [number, number]; strides: number | [number, number];
    pad: 'valid' | 'same' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const backend = wasmBackend(args);
  const out = makeOutput(backend, input.shape.slice(), 'float32');
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  dx.fill(0);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;
  if (fh === 2 && fw === 2 && sh === 2 && sw === 2 && top === 0 && left === 0) {
    pool2x2Grad(x, g, dx, n, h, w, c, oh, ow);
    return out;
  }
  const best = new Float32Array(c);
  const where = new Int32Array(c);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        best.fill(-Infinity);
        where.fill(-1);
        for (let p = 0; p < fh; p++) {
          const r = i * sh - top + p;
          if (r < 0 || r >= h) continue;
          for (let q = 0; q < fw; q++) {
            const col = j * sw - left + q;
            if (col < 0 || col >= w) continue;
            const base = ((b * h + r) * w + col) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = x[base + ch]!;
              if (v > best[ch]!) { best[ch] = v; where[ch] = base + ch; }
            }
          }
        }
        const gBase = ((b * oh + i) * ow + j) * c;
        for (let ch = 0; ch < c; ch++) {
          const at = where[ch]!;
          if (at >= 0) dx[at] = dx[at]! + g[gBase + ch]!;
        }
      }
    }
  }
  return out;
}

/**
 * 2x2 stride-2 windows without padding (LeNet, VGG): windows do not overlap, so each channel of a
 * window routes its gradient to the first of its four maxima; ~5x faster than the general loop.
 */
function pool2x2Grad(x: Float32Array, g: Float32Array, dx: Float32Array, n: number, h: number, w: number, c: number, oh: number, ow: number): void {
  const row = w * c;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const p0 = ((b * h + 2 * i) * w + 2 * j) * c;
        const p2 = p0 + row;
        const gBase = ((b * oh + i) * ow + j) * c;
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let at = -1;
          const a0 = p0 + ch;
          const a1 = a0 + c;
          const a2 = p2 + ch;
          const a3 = a2 + c;
          let v = x[a0]!;
          if (v > best) { best = v; at = a0; }
          v = x[a1]!;
          if (v > best) { best = v; at = a1; }
          v = x[a2]!;
          if (v > best) { best = v; at = a2; }
          v = x[a3]!;
          if (v > best) { at = a3; }
          if (at >= 0) dx[at] = g[gBase + ch]!;
        }
      }
    }
  }
}

export function registerMaxPoolGradKernel(): void {
  registerWasmKernel(tf.MaxPoolGrad, (args) => maxPoolGrad(args));
}
