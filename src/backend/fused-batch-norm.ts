import * as tf from '@tensorflow/tfjs';
import { methodPatch } from './method-patch.js';
import { BATCH_NORM_GRAD, BATCH_NORM_TRAIN } from './wasm/batch-norm.js';

/**
 * Batch-norm training as one op with its closed-form gradient (about 10 full-tensor passes
 * instead of ~30 when tfjs-layers autodiffs through tf.moments + FusedBatchNorm). Only the
 * training path of channels-last, center+scale layers changes; the class, serialisation and
 * inference stay as they are. Pure tf ops, so it works on every backend.
 */
interface LayerVariableLike { read(): tf.Variable; write(value: tf.Tensor): void }
interface BatchNormLayerLike {
  axis: number; momentum: number; epsilon: number; center: boolean; scale: boolean;
  gamma: LayerVariableLike; beta: LayerVariableLike; movingMean: LayerVariableLike; movingVariance: LayerVariableLike;
}
type CallFn = (this: BatchNormLayerLike, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];
interface BatchNormProto { call: CallFn }

let cachedProto: BatchNormProto | undefined;
function batchNormProto(): BatchNormProto {
  // Built once: every construction advances tfjs-layers' automatic layer-name counter.
  cachedProto ??= Object.getPrototypeOf(tf.layers.batchNormalization({})) as BatchNormProto;
  return cachedProto;
}

/**
 * y = gamma * xhat + beta with batch statistics; returns y and the batch mean/variance (kept).
 * On wasm, releq's kernels do it in 3 reads + 1 write forward and 2 reads + 1 write backward
 * (BATCH_NORM_TRAIN/GRAD). Elsewhere tf ops: forward 6 passes (mean, x - mean, square, mean,
 * * scale, + beta), backward 7 (with c = x - mean saved and k = gamma * invStd: dx = (g - sum(g)/n)
 * * k - c * (k * invStd^2 * sum(g c) / n)). Per-channel vectors broadcast over the last axis.
 */
export function fusedBatchNormTraining(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number):
  { y: tf.Tensor; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const useKernels = tf.getKernel(BATCH_NORM_TRAIN, tf.getBackend()) !== undefined;
  return useKernels ? batchNormByKernels(x, gamma, beta, epsilon) : batchNormByOps(x, gamma, beta, epsilon);
}

type Save = (tensors: tf.Tensor[]) => void;

function batchNormByKernels(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number):
  { y: tf.Tensor; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  let mean: tf.Tensor1D | null = null;
  let variance: tf.Tensor1D | null = null;
  const op = tf.customGrad((xIn, gIn, bIn, save) => {
    const [y, m, v, invStd] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x: xIn as tf.Tensor, gamma: gIn as tf.Tensor, beta: bIn as tf.Tensor }, { epsilon }) as
      [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
    mean = tf.keep(m);
    variance = tf.keep(v);
    (save as Save)([xIn as tf.Tensor, m, invStd, gIn as tf.Tensor]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sMean, sInvStd, sGamma] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        return tf.engine().runKernel(BATCH_NORM_GRAD, { dy: dy as tf.Tensor, x: sx, mean: sMean, invStd: sInvStd, gamma: sGamma }, {}) as tf.Tensor[];
      },
    };
  });
  const y = op(x, gamma, beta);
  return { y, mean: mean!, variance: variance! };
}

function batchNormByOps(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number):
  { y: tf.Tensor; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const axes = x.shape.map((_, i) => i).slice(0, -1);
  const count = x.size / x.shape[x.rank - 1]!;
  let mean: tf.Tensor1D | null = null;
  let variance: tf.Tensor1D | null = null;
  const op = tf.customGrad((xIn, gIn, bIn, save) => {
    const xt = xIn as tf.Tensor;
    const m = tf.mean(xt, axes) as tf.Tensor1D;
    const centered = tf.sub(xt, m);
    const v = tf.mean(tf.square(centered), axes) as tf.Tensor1D;
    const invStd = tf.rsqrt(tf.add(v, epsilon)) as tf.Tensor1D;
    const y = tf.add(tf.mul(centered, tf.mul(gIn as tf.Tensor, invStd)), bIn as tf.Tensor);
    mean = tf.keep(m);
    variance = tf.keep(v);
    (save as Save)([centered, invStd, gIn as tf.Tensor]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const g = dy as tf.Tensor;
        const [sCentered, sInvStd, sGamma] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
        const dBeta = tf.sum(g, axes) as tf.Tensor1D;
        const sumGC = tf.sum(tf.mul(g, sCentered), axes) as tf.Tensor1D;
        const dGamma = tf.mul(sumGC, sInvStd);
        const k = tf.mul(sGamma, sInvStd);
        const kc = tf.div(tf.mul(tf.mul(k, tf.square(sInvStd)), sumGC), count);
        const dx = tf.sub(tf.mul(tf.sub(g, tf.div(dBeta, count)), k), tf.mul(sCentered, kc));
        return [dx, dGamma, dBeta];
      },
    };
  });
  const y = op(x, gamma, beta);
  return { y, mean: mean!, variance: variance! };
}

/** BatchNormalization.prototype.call with the fused training path; idempotent. */
const patch = methodPatch('releq/bn-original-call', batchNormProto, 'call', (original) =>
  function (this: BatchNormLayerLike, inputs, kwargs) {
    const training = kwargs?.['training'] === true;
    const input = Array.isArray(inputs) ? inputs[0]! : inputs;
    const lastAxis = this.axis === -1 || this.axis === input.rank - 1;
    if (!training || !this.center || !this.scale || !lastAxis) return original.call(this, inputs, kwargs);
    return tf.tidy(() => {
      const { y, mean, variance } = fusedBatchNormTraining(input, this.gamma.read() as tf.Tensor1D, this.beta.read() as tf.Tensor1D, this.epsilon);
      const decay = 1 - this.momentum;
      for (const [variable, value] of [[this.movingMean, mean], [this.movingVariance, variance]] as const) {
        tf.tidy(() => {
          const current = variable.read();
          variable.write(tf.sub(current, tf.mul(tf.sub(current, value), decay)));
        });
      }
      mean.dispose();
      variance.dispose();
      return y;
    });
  });

export const enableFusedBatchNorm = (): void => patch.enable();
/** Restores the stock tfjs-layers training path. */
export const disableFusedBatchNorm = (): void => patch.disable();
export const isFusedBatchNormEnabled = (): boolean => patch.isEnabled();
