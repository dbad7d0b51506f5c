import type { WeightEncoding } from './layer-runner.js';

/**
 * The integer a weight code stands for. Unsigned: the code itself. Unipolar (TVM's name): every
 * bit-plane holds +1 (bit set) or -1 (bit clear), so code c of b bits is sum_i 2^i (2 c_i - 1),
 * the odd levels -(2^b - 1) .. 2^b - 1 (DoReFa's 2q - 1 grid, scaled).
 */
export function weightValue(code: number, bits: number, encoding: WeightEncoding): number {
  return encoding === 'unsigned' ? code : 2 * code - ((1 << bits) - 1);
}

/** Plain integer matmul out[m][n] = sum_k act[m][k] * value(w[n][k]), the kernel's reference. */
export function referenceMatmul(
  act: Uint16Array, m: number, w: Uint16Array, n: number, k: number, wBits: number, encoding: WeightEncoding,
): Float64Array {
  const out = new Float64Array(m * n);
  const values = new Float64Array(n * k);
  for (let i = 0; i < n * k; i++) values[i] = weightValue(w[i]!, wBits, encoding);
  for (let r = 0; r < m; r++) {
    for (let c = 0; c < n; c++) {
      let s = 0;
      for (let x = 0; x < k; x++) s += act[r * k + x]! * values[c * k + x]!;
      out[r * n + c] = s;
    }
  }
  return out;
}

/** The im2col matrix [outH*outW][k*k*c] (order kh, kw, c; zero padding) of an NHWC input. */
export function im2col(
  input: Uint16Array, h: number, w: number, c: number, kernel: number, stride: number, pad: number,
  outH: number, outW: number,
): Uint16Array {
  const k = kernel * kernel * c;
  const out = new Uint16Array(outH * outW * k);
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      let dst = (oy * outW + ox) * k;
      for (let ky = 0; ky < kernel; ky++) {
        for (let kx = 0; kx < kernel; kx++, dst += c) {
          const iy = oy * stride + ky - pad, ix = ox * stride + kx - pad;
          if (iy < 0 || ix < 0 || iy >= h || ix >= w) continue;
          out.set(input.subarray((iy * w + ix) * c, (iy * w + ix) * c + c), dst);
        }
      }
    }
  }
  return out;
}
