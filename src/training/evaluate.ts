import * as tf from '@tensorflow/tfjs';
import type { ImageSplit } from '../registry/contracts/dataset.js';
import { identityOrder, makeBatch, type InputSpec } from './batches.js';
import { crossEntropy, outputsProbabilities } from './loss.js';

export interface AccuracyResult {
  readonly top1: number;
  readonly top5: number;
  readonly loss: number;
  readonly count: number;
}

/** Top-1/top-5 accuracy and mean loss over a split, in inference mode, batch by batch. */
export function measureAccuracy(model: tf.LayersModel, split: ImageSplit, spec: InputSpec, numClasses: number, batchSize = 500): AccuracyResult {
  const order = identityOrder(split.count);
  const probabilities = outputsProbabilities(model);
  let top1 = 0;
  let top5 = 0;
  let lossSum = 0;
  for (let start = 0; start < split.count; start += batchSize) {
    const end = Math.min(start + batchSize, split.count);
    const [c1, c5, l] = tf.tidy(() => {
      const { x, y } = makeBatch(split, order, start, end, spec);
      const out = model.predict(x) as tf.Tensor2D;
      const k = Math.min(5, numClasses);
      const { indices } = tf.topk(out, k);
      const hits = tf.cast(tf.equal(indices, tf.expandDims(y, 1)), 'float32');
      const hit1 = tf.sum(tf.slice(hits, [0, 0], [-1, 1]));
      const hit5 = tf.sum(hits);
      const loss = tf.mul(crossEntropy(out, y, numClasses, probabilities), end - start);
      return [hit1, hit5, loss];
    });
    top1 += c1.dataSync()[0]!;
    top5 += c5.dataSync()[0]!;
    lossSum += l.dataSync()[0]!;
    tf.dispose([c1, c5, l]);
  }
  const n = Math.max(split.count, 1);
  return { top1: top1 / n, top5: top5 / n, loss: lossSum / n, count: split.count };
}
