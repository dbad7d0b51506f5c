import type { Tensor } from '@tensorflow/tfjs';

/**
 * Maps full-precision shadow weights to their quantized values for the forward pass.
 * The gradient is straight-through (identity inside the clamp range), so the shadow weights train.
 * Implementations are stateless: one instance may serve many models and layers at once.
 */
export interface Quantizer {
  /** Plugin name (`wrpn`, `dorefa`), for logs and layer configs. */
  readonly name: string;
  /**
   * `bits` in 1..8, or 32 for "leave at full precision" (returns `weights` itself).
   * Throws a ReleqError naming the bitwidth when this quantizer cannot represent it.
   */
  quantizeWeights(weights: Tensor, bits: number): Tensor;
  /** Activation quantizer used when the experiment quantizes activations too (off by default). */
  quantizeActivations(activations: Tensor, bits: number): Tensor;
}
