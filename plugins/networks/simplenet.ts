import { definePlugin } from '../../src/registry/plugin.js';
import type { Network, NetworkBuildOptions } from '../../src/registry/contracts/network.js';
import { NetworkBuilder } from '../../src/models/network-builder.js';
import type { QuantizedModel } from '../../src/models/quantized-model.js';
import { numClassesSchema } from './schema-parts.js';

export interface SimplenetOptions {
  readonly numClasses: number;
}

/** The classic CIFAR-10 tutorial CNN: conv 5x5 6, pool, conv 5x5 16, pool, FC 400-120-84-10. */
export function buildSimplenet(build: NetworkBuildOptions, options: SimplenetOptions): QuantizedModel {
  const b = new NetworkBuilder(build);
  const input = b.input([32, 32, 3]);
  let x = b.conv(input, 'conv1', { filters: 6, kernelSize: 5, padding: 'valid', activation: 'relu' });
  x = b.maxPool(x, 'pool1', 2);
  x = b.conv(x, 'conv2', { filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu' });
  x = b.maxPool(x, 'pool2', 2);
  x = b.flatten(x, 'flatten');
  x = b.dense(x, 'fc1', { units: 120, activation: 'relu' });
  x = b.dense(x, 'fc2', { units: 84, activation: 'relu' });
  x = b.dense(x, 'fc3', { units: options.numClasses });
  return b.finish(input, x, 'simplenet');
}

export const simplenetPlugin = definePlugin<'network', SimplenetOptions>({
  kind: 'network',
  name: 'simplenet',
  description: 'CIFAR-10 tutorial CNN 32x32x3: 2 conv + 3 FC, all 5 layers searched',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { numClasses: numClassesSchema(10) },
  },
  create: (options): Network => ({
    inputShape: [32, 32, 3],
    numClasses: options.numClasses,
    defaultFixedLayers: [],
    build: (build) => buildSimplenet(build, options),
  }),
});
