/**
 * The quantizer formulas of the paper (see ../shared/releq-paper.md) as tf ops with
 * straight-through estimators. Plugins in plugins/quantizers wrap these.
 */
import * as tf from '@tensorflow/tfjs';
import { ReleqError } from '../errors.js';
import { FULL_PRECISION_BITS } from '../registry/contracts/layer-table.js';

export const MAX_QUANTIZED_BITS = 8;

/** Throws unless `bits` is an integer in 1..8 or 32 (full precision). */
export function checkBits(bits: number, what: string): void {
  if (bits === FULL_PRECISION_BITS) return;
  if (!Number.isInteger(bits) || bits < 1 || bits > MAX_QUANTIZED_BITS) {
    throw new ReleqError('config', `${what}: bitwidth ${bits} is not supported`, {
      hint: `use an integer from 1 to ${MAX_QUANTIZED_BITS}, or ${FULL_PRECISION_BITS} for full precision`,
    });
  }
}

type UnaryOp = (x: tf.Tensor) => tf.Tensor;

/** round(x) forward, identity backward (the straight-through estimator of DoReFa/Distiller). */
export const roundSte: UnaryOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
  value: tf.round(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => dy,
})) as UnaryOp;

/**
 * A straight-through op: `forward(x)` in the forward pass; backward passes dy where
 * lo <= x <= hi (inclusive, as the gradient of tf.clipByValue) and 0 elsewhere.
 */
function clampedSte(x: tf.Tensor, forward: UnaryOp, lo: number, hi: number): tf.Tensor {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const input = args[0] as tf.Tensor;
    (args[1] as tf.GradSaveFunc)([input]);
    return {
      value: tf.tidy(() => forward(input)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.tidy(() => {
        const s = saved[0]!;
        return tf.mul(dy, tf.logicalAnd(tf.greaterEqual(s, lo), tf.lessEqual(s, hi)).cast('float32'));
      }),
    };
  }) as UnaryOp;
  return op(x);
}

/**
 * WRPN: w_q = round(clamp(w, -1, 1) * (2^(b-1) - 1)) / (2^(b-1) - 1), for b >= 2.
 * One op: forward as the formula, backward dy where |w| <= 1, else 0.
 */
export function wrpnQuantize(w: tf.Tensor, bits: number): tf.Tensor {
  const scale = 2 ** (bits - 1) - 1;
  return clampedSte(w, (x) => tf.div(tf.round(tf.mul(tf.clipByValue(x, -1, 1), scale)), scale), -1, 1);
}

/**
 * WRPN has 2^0 - 1 = 0 levels at b = 1, so 1 bit is binary: sign(c) * mean|c| with
 * c = clamp(w, -1, 1) (BinaryConnect/XNOR-style scale); zero maps to +mean|c|.
 * Backward like the clamp (the scale is treated as a constant).
 */
export function wrpnBinary(w: tf.Tensor): tf.Tensor {
  return clampedSte(w, (x) => {
    const c = tf.clipByValue(x, -1, 1);
    const sign = tf.sub(tf.mul(tf.greaterEqual(c, 0).cast('float32'), 2), 1);
    return tf.mul(sign, tf.mean(tf.abs(c)));
  }, -1, 1);
}

/**
 * DoReFa: t = tanh(w); t = t / (2 max|t|) + 0.5; q = round(t (2^b - 1)) / (2^b - 1); w_q = 2q - 1.
 * As in Distiller's dorefa_quantize_param, only the rounding is straight-through: the gradient
 * flows through tanh and the max-normalisation by autodiff.
 */
export function dorefaQuantize(w: tf.Tensor, bits: number): tf.Tensor {
  const levels = 2 ** bits - 1;
  return tf.tidy(() => {
    const t = tf.tanh(w);
    // An all-zero tensor would divide by zero; its quantized value is then 0 (t = 0.5 -> 2q-1 ~ 0).
    const maxAbs = tf.maximum(tf.max(tf.abs(t)), 1e-12);
    const u = tf.add(tf.div(t, tf.mul(maxAbs, 2)), 0.5);
    const q = tf.div(roundSte(tf.mul(u, levels)), levels);
    return tf.sub(tf.mul(q, 2), 1);
  });
}

/**
 * Activations (DoReFa/WRPN style): a_q = round(clamp(a, 0, clip) / clip * (2^b - 1)) / (2^b - 1) * clip.
 * Backward: dy inside [0, clip], 0 outside.
 */
export function uniformActivationQuantize(a: tf.Tensor, bits: number, clip: number): tf.Tensor {
  const levels = 2 ** bits - 1;
  return clampedSte(a, (x) => {
    const u = tf.div(tf.clipByValue(x, 0, clip), clip);
    return tf.mul(tf.div(tf.round(tf.mul(u, levels)), levels), clip);
  }, 0, clip);
}
