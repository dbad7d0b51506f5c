import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapF32, makeOutput } from './kernel-utils.js';

/** Pads of the spatial axes; negative values crop. */
export interface HWPads { top: number; bottom: number; left: number; right: number }

/**
 * Crops the negative pads off x and returns the explicit (non-negative) padding to hand to the
 * convolution: XNNPACK pads through its indirection buffer, so no padded copy is made.
 */
export function cropForPads(x: tf.Tensor4D, p: HWPads): { x: tf.Tensor4D; pad: tf.backend_util.ExplicitPadding } {
  let out = x;
  if (p.top < 0 || p.bottom < 0 || p.left < 0 || p.right < 0) {
    const [n, h, w, c] = x.shape;
    const t = Math.max(0, -p.top);
    const l = Math.max(0, -p.left);
    out = tf.slice(x, [0, t, l, 0], [n, h - t - Math.max(0, -p.bottom), w - l - Math.max(0, -p.right), c]);
  }
  const pad: tf.backend_util.ExplicitPadding = [[0, 0], [Math.max(0, p.top), Math.max(0, p.bottom)], [Math.max(0, p.left), Math.max(0, p.right)], [0, 0]];
  return { x: out, pad };
}

/** One output phase of a strided transposed convolution: rows sh*u + a, cols sw*v + b. */
export interface Phase {
  /** First filter row/col of the phase's taps (taps are r, r + s, r + 2s, ...). */
  readonly rh: number; readonly rw: number;
  /** Number of taps along rows/cols (0: the phase gets no gradient). */
  readonly th: number; readonly tw: number;
  /** Output rows/cols of the phase. */
  readonly uh: number; readonly uw: number;
  /** Pads of dy for a stride-1 'valid' correlation with the phase's (reversed) taps. */
  readonly pads: HWPads;
}

function axisPhase(a: number, k: number, s: number, before: number, inSize: number, outSize: number):
  { r: number; t: number; u: number; padBefore: number; padAfter: number } {
  const r = (a + before) % s;
  const q = Math.floor((a + before) / s);
  const t = r < k ? Math.ceil((k - r) / s) : 0;
  const u = Math.ceil((inSize - a) / s);
  const padBefore = t - 1 - q;
  return { r, t, u, padBefore, padAfter: u + t - 1 - padBefore - outSize };
}

/**
 * Sub-pixel decomposition of dx for a stride (sh, sw) convolution: dx's pixels in phase (a, b)
 * only see the filter taps congruent to (a + padTop, b + padLeft) modulo the stride, so each phase
 * is a stride-1 correlation of dy with a small reversed sub-filter. Together they do exactly the
 * useful multiply-adds (zero-stuffing dy wastes sh*sw times as many). Stride 1 is one phase.
 */
export function phasesOf(info: tf.backend_util.Conv2DInfo): Phase[][] {
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
  const rows = Array.from({ length: sh }, (_, a) => axisPhase(a, kh, sh, info.padInfo.top, h, oh));
  const cols = Array.from({ length: sw }, (_, b) => axisPhase(b, kw, sw, info.padInfo.left, w, ow));
  return rows.map((r) => cols.map((c) => ({
    rh: r.r, rw: c.r, th: r.t, tw: c.t, uh: r.u, uw: c.u,
    pads: { top: r.padBefore, bottom: r.padAfter, left: c.padBefore, right: c.padAfter },
  })));
}

/**
 * The phase's filter taps, reversed and re-laid out: out[j, l, o, i] = w[sh*(th-1-j) + rh,
 * sw*(tw-1-l) + rw, i, o] for w = [KH, KW, I, O] (conv: I = Cin, O = Cout); `swapIO` false keeps
 * [.., I, O] (depthwise, where the channel axes are C*m and 1).
 */
export function phaseFilter(backend: BackendWasm, filter: tf.Tensor4D, p: Phase, sh: number, sw: number, swapIO: boolean): tf.Tensor4D {
  const [, kw, ci, co] = filter.shape;
  const w = heapF32(backend, filter);
  const out = new Float32Array(p.th * p.tw * ci * co);
  let k = 0;
  for (let j = 0; j < p.th; j++) {
    for (let l = 0; l < p.tw; l++) {
      const base = ((sh * (p.th - 1 - j) + p.rh) * kw + (sw * (p.tw - 1 - l) + p.rw)) * ci * co;
      if (swapIO) {
        for (let o = 0; o < co; o++) for (let i = 0; i < ci; i++) out[k++] = w[base + i * co + o]!;
      } else {
        out.set(w.subarray(base, base + ci * co), k);
        k += ci * co;
      }
    }
  }
  return tf.tensor4d(out, swapIO ? [p.th, p.tw, co, ci] : [p.th, p.tw, ci, co]);
}

/**
 * dx of a (depthwise) convolution from its phases: `phaseConv(dyCropped, pad, phase)` correlates
 * dy with the phase's filter (stride 1, explicit pad). One phase (stride 1) is returned as it is;
 * several are interleaved into a new heap output (phases without taps stay zero).
 */
export function backpropInputByPhases(
  backend: BackendWasm, dy: tf.Tensor4D, info: tf.backend_util.Conv2DInfo, channels: number,
  phaseConv: (x: tf.Tensor4D, pad: tf.backend_util.ExplicitPadding, phase: Phase) => tf.Tensor4D,
): tf.TensorInfo {
  const grid = phasesOf(info);
  const { strideHeight: sh, strideWidth: sw, batchSize: n, inHeight: h, inWidth: w } = info;
  if (sh === 1 && sw === 1) {
    const p = grid[0]![0]!;
    return tf.tidy(() => {
      const { x, pad } = cropForPads(dy, p.pads);
      return phaseConv(x, pad, p);
    });
  }
  const parts: { a: number; b: number; y: tf.Tensor4D }[] = [];
  try {
    grid.forEach((row, a) => row.forEach((p, b) => {
      if (p.th === 0 || p.tw === 0 || p.uh === 0 || p.uw === 0) return;
      parts.push({ a, b, y: tf.tidy(() => { const { x, pad } = cropForPads(dy, p.pads); return phaseConv(x, pad, p); }) });
    }));
    const out = makeOutput(backend, [n, h, w, channels], 'float32');
    const dx = heapF32(backend, out);
    if (parts.length < sh * sw) dx.fill(0);
    const c = channels;
    for (const { a, b, y } of parts) {
      const src = heapF32(backend, y);
      const [, uh, uw] = y.shape;
      let s = 0;
      for (let img = 0; img < n; img++) {
        for (let u = 0; u < uh; u++) {
          let d = ((img * h + sh * u + a) * w + b) * c;
          for (let v = 0; v < uw; v++, d += sw * c) {
            for (let k = 0; k < c; k++) dx[d + k] = src[s++]!;
          }
        }
      }
    }
    return out;
  } finally {
    for (const part of parts) part.y.dispose();
  }
}
