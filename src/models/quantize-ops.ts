/**
 * The quantizer formulas of the paper (see ../shared/releq-paper.md) as tf ops with
 * straight-through estimators. Plugins in plugins/quantizers wrap these.
 */
import * as tf from '@tensorflow/tfjs';
import { clipGradient } from '../backend/clip-gradient.js';
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
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => clipGradient(dy, saved[0]!, lo, hi, true),
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
 * As in Distiller's dorefa_quantize_param, only the rounding is straight-through: the gradient is
 * that of the unrounded formula, including the path through max|t| (to the element(s) attaining it).
 * One op with that gradient in closed form: autodiff of the max path costs a broadcast Equal that
 * is slow on wasm, several times the rest of the quantizer.
 * `keepScale` (a variant, not the paper's formula) multiplies w_q by max|w|, held constant in the
 * gradient, so a layer keeps its weight scale instead of jumping to [-1, 1].
 */
export function dorefaQuantize(w: tf.Tensor, bits: number, keepScale = false): tf.Tensor {
  const levels = 2 ** bits - 1;
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const input = args[0] as tf.Tensor;
    (args[1] as tf.GradSaveFunc)([input]);
    const value = tf.tidy(() => {
      const t = tf.tanh(input);
      // An all-zero tensor would divide by zero; 1e-12 keeps it finite (its levels then sit near 0).
      const m = tf.maximum(tf.max(tf.abs(t)), 1e-12);
      // round(n (t/(2m) + 1/2)) * 2/n - 1
      const k = tf.round(tf.add(tf.mul(t, tf.div(levels / 2, m)), levels / 2));
      const q = tf.sub(tf.mul(k, 2 / levels), 1);
      return keepScale ? tf.mul(q, tf.max(tf.abs(input))) : q;
    });
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.tidy(() => {
        const t = tf.tanh(saved[0]!);
        const a = tf.abs(t);
        const m = tf.maximum(tf.max(a), 1e-12);
        const dTanh = tf.sub(1, tf.square(t));
        // d(2u - 1)/dw with u = t/(2m) + 1/2, m held fixed: (1 - t^2) / m
        const direct = tf.div(tf.mul(dy, dTanh), m);
        // through m = max|t|: d/dm of sum_k dy_k t_k / m = -sum(dy t) / m^2, times dm/dw_j = sign(t_j)(1 - t_j^2)
        const atMax = tf.clipByValue(tf.add(tf.sign(tf.sub(a, m)), 1), 0, 1);
        const viaMax = tf.mul(tf.mul(atMax, tf.mul(tf.sign(t), dTanh)), tf.div(tf.neg(tf.sum(tf.mul(dy, t))), tf.square(m)));
        const grad = tf.add(direct, viaMax);
        return keepScale ? tf.mul(grad, tf.max(tf.abs(saved[0]!))) : grad;
      }),
    };
  }) as UnaryOp;
  return op(w);
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
