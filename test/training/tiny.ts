import { NetworkBuilder } from '../../src/models/network-builder.js';
import type { Dataset, ImageSplit, LoadedDataset } from '../../src/registry/contracts/dataset.js';
import type { Network } from '../../src/registry/contracts/network.js';
import { assembleDataset } from '../../src/data/assemble.js';
import { Rng } from '../../src/services/rng.js';

/** n 8x8 grey images: class k (0..3) is a bright quadrant k on noise. */
export function quadrantImages(n: number, seed: number): ImageSplit {
  const rng = Rng.stream(seed, 'tiny-data');
  const images = new Uint8Array(n * 64);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % 4;
    labels[i] = k;
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        const q = (y < 4 ? 0 : 2) + (x < 4 ? 0 : 1);
        images[i * 64 + y * 8 + x] = (q === k ? 150 : 0) + rng.int(100);
      }
    }
  }
  return { images, labels, count: n };
}

export function tinyData(seed = 1, train = 400, test = 80): LoadedDataset {
  return assembleDataset({
    name: 'quadrants', shape: [8, 8, 1], numClasses: 4,
    trainAll: quadrantImages(train, seed), test: quadrantImages(test, seed + 1000),
    validationFraction: 0.2, splitSeed: seed, source: { generated: 'quadrants', seed },
  });
}

export function tinyDataset(data: LoadedDataset): Dataset {
  return { load: async () => data };
}

/** conv 3x3x4 -> dense 4: two quantizable layers. */
export const tinyNetwork: Network = {
  inputShape: [8, 8, 1],
  numClasses: 4,
  defaultFixedLayers: [],
  build: (options) => {
    const b = new NetworkBuilder(options);
    const input = b.input([8, 8, 1]);
    let x = b.conv(input, 'conv1', { filters: 4, kernelSize: 3, padding: 'valid', activation: 'relu' });
    x = b.flatten(x, 'flatten');
    x = b.dense(x, 'fc', { units: 4 });
    return b.finish(input, x, 'tiny');
  },
};
