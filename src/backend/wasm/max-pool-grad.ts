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

export function registerMaxPoolGradKernel(): void {
  registerWasmKernel(tf.MaxPoolGrad, (args) => maxPoolGrad(args));
}
