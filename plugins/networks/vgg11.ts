import { definePlugin } from '../../src/registry/plugin.js';
import type { Network, NetworkBuildOptions } from '../../src/registry/contracts/network.js';
import { NetworkBuilder } from '../../src/models/network-builder.js';
import type { QuantizedModel } from '../../src/models/quantized-model.js';
import { numClassesSchema } from './schema-parts.js';

export interface Vgg11Options {
  readonly numClasses: number;
}

/** VGG-11 'A' configuration; 'M' = 2x2 max-pool. */
const CFG: ReadonlyArray<number | 'M'> = [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'];

/** VGG-11 for CIFAR-10, no batch norm: 8 conv 3x3 (pad 1, ReLU) and one FC 512->10. */
export function buildVgg11(build: NetworkBuildOptions, options: Vgg11Options): QuantizedModel {
  const b = new NetworkBuilder(build);
  const input = b.input([32, 32, 3]);
  let x = input;
  let conv = 0;
  let pool = 0;
  for (const item of CFG) {
    x = item === 'M'
      ? b.maxPool(x, `pool${++pool}`, 2)
      : b.conv(x, `conv${++conv}`, { filters: item, kernelSize: 3, padding: 'same', activation: 'relu' });
  }
  x = b.flatten(x, 'flatten');
  x = b.dense(x, 'fc', { units: options.numClasses });
  return b.finish(input, x, 'vgg11');
}

export const vgg11Plugin = definePlugin<'network', Vgg11Options>({
  kind: 'network',
  name: 'vgg11',
  description: 'VGG-11 for CIFAR-10 32x32x3 (no BN): 8 conv + 1 FC; first and last kept at 8 bits by default',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { numClasses: numClassesSchema(10) },
  },
  create: (options): Network => ({
    inputShape: [32, 32, 3],
    numClasses: options.numClasses,
    defaultFixedLayers: [0, 8],
    build: (build) => buildVgg11(build, options),
  }),
});
