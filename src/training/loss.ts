import * as tf from '@tensorflow/tfjs';

/** True when the model's last layer applies softmax (its outputs are probabilities, not logits). */
export function outputsProbabilities(model: tf.LayersModel): boolean {
  const last = model.layers[model.layers.length - 1];
  if (last === undefined) return false;
  try {
    return (last.getConfig() as { activation?: unknown }).activation === 'softmax';
  } catch {
    return false;
  }
}

/** Mean cross-entropy of int32 labels against logits (or probabilities when `probabilities`). */
export function crossEntropy(output: tf.Tensor, labels: tf.Tensor1D, numClasses: number, probabilities: boolean): tf.Scalar {
  return tf.tidy((): tf.Scalar => {
    const oneHot = tf.oneHot(labels, numClasses);
    if (!probabilities) return tf.losses.softmaxCrossEntropy(oneHot, output) as tf.Scalar;
    const logp = tf.log(tf.clipByValue(output, 1e-7, 1));
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logp), -1))) as tf.Scalar;
  });
}
