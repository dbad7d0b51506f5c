/**
 * Weights as plain typed arrays keyed by stable names (`conv1/kernel`, `bn1/moving_mean`), for
 * checkpoints and for moving a model between workers. A quantized model is restored by building the
 * network plugin again (same options) and importing its weights: the quantizer is code, not data.
 */
import * as tf from '@tensorflow/tfjs';
import { ReleqError } from '../errors.js';

export interface NamedWeight {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Every weight of the model (trainable and not, e.g. BN moving statistics), in model order. */
export function exportWeights(model: tf.LayersModel): NamedWeight[] {
  return model.weights.map((w) => ({
    name: w.originalName,
    shape: [...w.shape] as number[],
    // a copy: backends may hand out their own buffer, which a worker transfer would detach
    data: (w.read().dataSync() as Float32Array).slice(),
  }));
}

/** Writes weights exported from a model of the same architecture; every weight must be present. */
export function importWeights(model: tf.LayersModel, weights: readonly NamedWeight[]): void {
  const byName = new Map(weights.map((w) => [w.name, w]));
  const problems: string[] = [];
  for (const variable of model.weights) {
    const w = byName.get(variable.originalName);
    if (w === undefined) problems.push(`${variable.originalName} missing`);
    else if (!tf.util.arraysEqual([...w.shape], variable.shape as number[])) {
      problems.push(`${w.name} has shape [${w.shape}], model needs [${variable.shape}]`);
    }
  }
  if (problems.length > 0 || byName.size !== model.weights.length) {
    if (byName.size !== model.weights.length) problems.push(`${weights.length} weights given, model has ${model.weights.length}`);
    throw new ReleqError('data', `weights do not fit model ${model.name}: ${problems.slice(0, 5).join('; ')}`, {
      hint: 'restore weights into a model built by the same network plugin with the same options',
    });
  }
  for (const variable of model.weights) {
    const w = byName.get(variable.originalName)!;
    tf.tidy(() => { variable.write(tf.tensor(w.data, [...w.shape], 'float32')); });
  }
}
