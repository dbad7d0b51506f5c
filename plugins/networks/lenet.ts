import { definePlugin } from '../../src/registry/plugin.js';
import type { Network, NetworkBuildOptions } from '../../src/registry/contracts/network.js';
import { NetworkBuilder } from '../../src/models/network-builder.js';
import type { QuantizedModel } from '../../src/models/quantized-model.js';
import { numClassesSchema } from './schema-parts.js';

export interface LenetOptions {
  readonly numClasses: number;
}

/** LeNet (Caffe layout) for MNIST: conv 5x5 20, pool, conv 5x5 50, pool, FC 800->500, FC 500->10. */
export function buildLenet(build: NetworkBuildOptions, options: LenetOptions): QuantizedModel {
  const b = new NetworkBuilder(build);
  const input = b.input([28, 28, 1]);
  let x = b.conv(input, 'conv1', { filters: 20, kernelSize: 5, padding: 'valid', activation: 'relu' });
  x = b.maxPool(x, 'pool1', 2);
  x = b.conv(x, 'conv2', { filters: 50, kernelSize: 5, padding: 'valid', activation: 'relu' });
  x = b.maxPool(x, 'pool2', 2);
  x = b.flatten(x, 'flatten');
  x = b.dense(x, 'fc1', { units: 500, activation: 'relu' });
  x = b.dense(x, 'fc2', { units: options.numClasses });
  return b.finish(input, x, 'lenet');
}

export const lenetPlugin = definePlugin<'network', LenetOptions>({
  kind: 'network',
  name: 'lenet',
  description: 'LeNet for MNIST 28x28x1: 2 conv + 2 FC, all 4 layers searched',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { numClasses: numClassesSchema(10) },
  },
  create: (options): Network => ({
    inputShape: [28, 28, 1],
    numClasses: options.numClasses,
    defaultFixedLayers: [],
    build: (build) => buildLenet(build, options),
  }),
});
