import * as tf from '@tensorflow/tfjs';
import { CLIP_GRAD } from './wasm/clip-grad.js';

/**
 * The gradient of clamping x to [lo, hi]: dy where x is inside, 0 outside, NaN where x is NaN.
 * `inclusive` counts lo and hi as inside (tf.clipByValue's gradient, the quantizers' STE); without
 * it they are outside (relu6: 0 at exactly 0 and 6). One pass by releq's kernel on wasm; elsewhere
 * from step(t) = (t > 0), which on every backend is cheaper than comparisons and logicalAnd.
 */
export function clipGradient(dy: tf.Tensor, x: tf.Tensor, lo: number, hi: number, inclusive: boolean): tf.Tensor {
  if (tf.getKernel(CLIP_GRAD, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(CLIP_GRAD, { dy, x }, { lo, hi, inclusive }) as tf.Tensor;
  }
  return tf.tidy(() => {
    const inside = inclusive
      ? tf.sub(1, tf.add(tf.step(tf.sub(lo, x)), tf.step(tf.sub(x, hi))))
      : tf.mul(tf.step(tf.sub(x, lo)), tf.step(tf.sub(hi, x)));
    return tf.mul(dy, inside);
  });
}
