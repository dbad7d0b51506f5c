import * as tf from '@tensorflow/tfjs';

export interface PpoLossInput {
  /** [N, A] log-probabilities of every action under the current (tempered) policy. */
  readonly logProbs: tf.Tensor2D;
  /** [N] value estimates of the current critic. */
  readonly values: tf.Tensor1D;
  /** [N] actions taken. */
  readonly actions: tf.Tensor1D;
  /** [N] log-probabilities of those actions when they were taken. */
  readonly oldLogProbs: tf.Tensor1D;
  readonly advantages: tf.Tensor1D;
  readonly returns: tf.Tensor1D;
}

export interface PpoCoefficients {
  readonly clip: number;
  readonly valueCoef: number;
  readonly entropyCoef: number;
}

export interface PpoLossParts {
  readonly loss: tf.Scalar;
  readonly policyLoss: tf.Scalar;
  readonly valueLoss: tf.Scalar;
  readonly entropy: tf.Scalar;
  readonly approxKl: tf.Scalar;
  readonly clipFraction: tf.Scalar;
}

/**
 * PPO's objective (Schulman et al. 2017) as a loss to minimise:
 * -mean(min(rho A, clip(rho, 1-eps, 1+eps) A)) + c1 mean((R - V)^2) - c2 mean(H(pi)),
 * rho = exp(log pi(a) - log pi_old(a)). Call inside tf.tidy / variableGrads.
 */
export function ppoLoss(input: PpoLossInput, c: PpoCoefficients): PpoLossParts {
  const actionCount = input.logProbs.shape[1];
  const onehot = tf.oneHot(tf.cast(input.actions, 'int32'), actionCount).toFloat();
  const logp = tf.sum(tf.mul(input.logProbs, onehot), 1);
  const logRatio = tf.sub(logp, input.oldLogProbs);
  const ratio = tf.exp(logRatio);
  const surr1 = tf.mul(ratio, input.advantages);
  const surr2 = tf.mul(tf.clipByValue(ratio, 1 - c.clip, 1 + c.clip), input.advantages);
  const policyLoss = tf.neg(tf.mean(tf.minimum(surr1, surr2))) as tf.Scalar;
  const valueLoss = tf.mean(tf.square(tf.sub(input.returns, input.values))) as tf.Scalar;
  const entropy = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(input.logProbs), input.logProbs), 1))) as tf.Scalar;
  const loss = tf.addN([policyLoss, tf.mul(valueLoss, c.valueCoef), tf.mul(entropy, -c.entropyCoef)]) as tf.Scalar;
  const approxKl = tf.mean(tf.neg(logRatio)) as tf.Scalar;
  const clipFraction = tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), c.clip), 'float32')) as tf.Scalar;
  return { loss, policyLoss, valueLoss, entropy, approxKl, clipFraction };
}
