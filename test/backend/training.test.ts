import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { assertCanTrain } from '../../src/backend/index.js';
import { Rng } from '../../src/services/rng.js';
import { useWasm } from './helpers.js';

/** A small CNN touching every training kernel family: strided conv, depthwise, BN, max-pool, dense. */
export function tinyCnn(): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [12, 12, 3], filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.batchNormalization(),
      tf.layers.reLU(),
      tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthMultiplier: 1, depthwiseInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      tf.layers.conv2d({ filters: 8, kernelSize: 1, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  return model;
}

export function syntheticBatch(n: number, seed: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const rng = Rng.stream(seed, 'data');
  const labels = Array.from({ length: n }, () => rng.int(4));
  const pixels = new Float32Array(n * 12 * 12 * 3);
  // Class k brightens channel k%3 in quadrant k: learnable in a few steps.
  labels.forEach((k, i) => {
    for (let p = 0; p < 144; p++) {
      const r = Math.floor(p / 12);
      const c = p % 12;
      const inQuadrant = (r < 6 ? 0 : 2) + (c < 6 ? 0 : 1) === k;
      for (let ch = 0; ch < 3; ch++) pixels[(i * 144 + p) * 3 + ch] = 0.3 * rng.normal() + (inQuadrant && ch === k % 3 ? 1.5 : 0);
    }
  });
  return { x: tf.tensor4d(pixels, [n, 12, 12, 3]), y: tf.oneHot(tf.tensor1d(labels, 'int32'), 4).toFloat() as tf.Tensor2D };
}

describe('training on wasm', function () {
  this.timeout(30000);

  it('lowers the loss of a small CNN and keeps the tensor count flat over steps', async () => {
    const info = await useWasm();
    expect(() => assertCanTrain(info)).to.not.throw();
    const model = tinyCnn();
    const { x, y } = syntheticBatch(32, 5);
    const losses: number[] = [];
    const counts: number[] = [];
    for (let step = 0; step < 25; step++) {
      losses.push(await model.trainOnBatch(x, y) as number);
      counts.push(tf.memory().numTensors);
    }
    expect(losses[24]!).to.be.below(losses[0]! * 0.6);
    expect(counts[24]).to.equal(counts[3]);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('refuses to train on the cpu backend', () => {
    expect(() => assertCanTrain({ name: 'cpu', threads: 1, tfjsVersion: '4.22.0' })).to.throw(/inference only/);
  });
});
