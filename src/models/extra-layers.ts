/** Weightless layers the paper's networks need that tfjs-layers lacks in the needed form. */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../services/rng.js';

type Shape = Array<number | null>;
type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

function oneTensor(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0]! : inputs;
}

/**
 * Dropout whose masks come from an Rng stream: a fixed tfjs seed would repeat the same mask every
 * step, no seed would make training irreproducible. Active only when called with training = true
 * (model.fit / trainOnBatch).
 */
export class SeededDropout extends tf.layers.Layer {
  static className = 'ReleqSeededDropout';
  readonly rate: number;
  private readonly rng: Rng;

  constructor(args: { readonly name: string; readonly rate: number; readonly rng: Rng }) {
    super({ name: args.name } as LayerArgs);
    this.rate = args.rate;
    this.rng = args.rng;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = oneTensor(inputs);
    if (kwargs['training'] !== true || this.rate === 0) return x;
    return tf.dropout(x, this.rate, undefined, this.rng.seed());
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}

/**
 * PyTorch's AdaptiveAvgPool2d(size) followed by flatten in (C, H, W) order, as torchvision AlexNet
 * does before its classifier. Bin i covers rows floor(i*H/size) .. ceil((i+1)*H/size) - 1, so small
 * inputs work (a 1x1 map is replicated). Implemented as one matmul with a constant pooling matrix.
 */
export class AdaptiveAvgPoolFlatten extends tf.layers.Layer {
  static className = 'ReleqAdaptiveAvgPoolFlatten';
  readonly size: number;
  private pool: tf.Tensor2D | null = null;

  constructor(args: { readonly name: string; readonly size: number }) {
    super({ name: args.name } as LayerArgs);
    this.size = args.size;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [s[0]!, s[3]! * this.size * this.size];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Record<string, unknown>): tf.Tensor {
    const x = oneTensor(inputs) as tf.Tensor4D;
    const [n, h, w, c] = x.shape;
    const pool = this.poolMatrix(h, w);
    return tf.tidy(() => {
      // [N, H*W, C] -> [N, C, H*W] -> [N*C, H*W] x [H*W, S*S] -> [N, C*S*S]
      const cols = tf.transpose(tf.reshape(x, [n, h * w, c]), [0, 2, 1]).reshape([n * c, h * w]);
      return tf.matMul(cols, pool).reshape([n, c * this.size * this.size]);
    });
  }

  /** [H*W, S*S] averaging weights; built once per input size and kept (not a trainable weight). */
  private poolMatrix(h: number, w: number): tf.Tensor2D {
    if (this.pool !== null && this.pool.shape[0] === h * w) return this.pool;
    this.pool?.dispose();
    const s = this.size;
    const data = new Float32Array(h * w * s * s);
    for (let i = 0; i < s; i++) {
      const r0 = Math.floor((i * h) / s), r1 = Math.ceil(((i + 1) * h) / s);
      for (let j = 0; j < s; j++) {
        const c0 = Math.floor((j * w) / s), c1 = Math.ceil(((j + 1) * w) / s);
        const share = 1 / ((r1 - r0) * (c1 - c0));
        for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) data[(r * w + c) * s * s + i * s + j] = share;
      }
    }
    this.pool = tf.keep(tf.tensor2d(data, [h * w, s * s]));
    return this.pool;
  }

  override dispose(): ReturnType<tf.layers.Layer['dispose']> {
    this.pool?.dispose();
    this.pool = null;
    return super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.size };
  }
}
