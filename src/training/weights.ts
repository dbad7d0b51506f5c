import * as tf from '@tensorflow/tfjs';
import { ReleqError } from '../errors.js';

/** Copies of all of a model's weights (trainable and not, e.g. batch-norm statistics), by variable name. */
export interface WeightSnapshot {
  readonly names: readonly string[];
  readonly shapes: readonly (readonly number[])[];
  readonly values: readonly Float32Array[];
}

export function snapshotWeights(model: tf.LayersModel): WeightSnapshot {
  const ws = model.weights;
  return {
    names: ws.map((w) => w.originalName),
    shapes: ws.map((w) => w.shape.map((d) => d ?? 0)),
    values: ws.map((w) => {
      if (w.dtype !== 'float32') throw new ReleqError('internal', `weight ${w.originalName} has dtype ${w.dtype}; only float32 is saved`);
      return Float32Array.from(w.read().dataSync() as Float32Array);
    }),
  };
}

/** Writes the snapshot back into the model's variables (same architecture), leaving no tensors behind. */
export function restoreWeights(model: tf.LayersModel, snapshot: WeightSnapshot): void {
  const ws = model.weights;
  if (ws.length !== snapshot.names.length) {
    throw new ReleqError('data', `checkpoint has ${snapshot.names.length} weights, the model ${ws.length}`, { hint: 'the network changed: delete the stale checkpoint from the cache folder' });
  }
  ws.forEach((w, i) => {
    const shape = snapshot.shapes[i]!;
    if (w.shape.length !== shape.length || w.shape.some((d, k) => d !== shape[k])) {
      throw new ReleqError('data', `checkpoint weight ${snapshot.names[i]} has shape [${shape.join(',')}], the model's ${w.originalName} [${w.shape.join(',')}]`);
    }
    const t = tf.tensor(snapshot.values[i]!, [...shape], 'float32');
    w.write(t);
    t.dispose();
  });
}
