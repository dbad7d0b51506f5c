import { definePlugin } from '../../src/registry/plugin.js';
import type { Network, NetworkBuildOptions } from '../../src/registry/contracts/network.js';
import { NetworkBuilder } from '../../src/models/network-builder.js';
import type { QuantizedModel } from '../../src/models/quantized-model.js';
import { dropoutSchema, inputSizeSchema, numClassesSchema } from './schema-parts.js';

export interface AlexnetOptions {
  readonly inputSize: number;
  readonly numClasses: number;
  /** Width of the two hidden FC layers (4096 in torchvision). */
  readonly classifierWidth: number;
  readonly dropout: number;
}

/** Smallest input for which the third 3x3/2 max-pool still has a 3x3 window (conv1 output 15). */
export const ALEXNET_MIN_INPUT = 63;

/**
 * torchvision AlexNet: conv 11x11/4 pad 2 (64), pool 3/2, conv 5x5 (192), pool, conv 3x3 384, 256, 256,
 * pool, adaptive average pool to 6x6, dropout, FC 9216->4096, dropout, FC 4096->4096, FC ->classes.
 */
export function buildAlexnet(build: NetworkBuildOptions, options: AlexnetOptions): QuantizedModel {
  const b = new NetworkBuilder(build);
  const input = b.input([options.inputSize, options.inputSize, 3]);
  let x = b.conv(input, 'conv1', { filters: 64, kernelSize: 11, strides: 4, padding: 2, activation: 'relu' });
  x = b.maxPool(x, 'pool1', 3, 2);
  x = b.conv(x, 'conv2', { filters: 192, kernelSize: 5, padding: 2, activation: 'relu' });
  x = b.maxPool(x, 'pool2', 3, 2);
  x = b.conv(x, 'conv3', { filters: 384, kernelSize: 3, padding: 1, activation: 'relu' });
  x = b.conv(x, 'conv4', { filters: 256, kernelSize: 3, padding: 1, activation: 'relu' });
  x = b.conv(x, 'conv5', { filters: 256, kernelSize: 3, padding: 1, activation: 'relu' });
  x = b.maxPool(x, 'pool5', 3, 2);
  x = b.adaptiveAvgPoolFlatten(x, 'avgpool', 6);
  x = b.dropout(x, 'dropout1', options.dropout);
  x = b.dense(x, 'fc1', { units: options.classifierWidth, activation: 'relu' });
  x = b.dropout(x, 'dropout2', options.dropout);
  x = b.dense(x, 'fc2', { units: options.classifierWidth, activation: 'relu' });
  x = b.dense(x, 'fc3', { units: options.numClasses });
  return b.finish(input, x, 'alexnet');
}

export const alexnetPlugin = definePlugin<'network', AlexnetOptions>({
  kind: 'network',
  name: 'alexnet',
  description: 'AlexNet (torchvision layout) for ImageNet: 5 conv + 3 FC; first and last kept at 8 bits by default',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      inputSize: inputSizeSchema(224, ALEXNET_MIN_INPUT),
      numClasses: numClassesSchema(1000),
      classifierWidth: {
        type: 'integer',
        minimum: 1,
        default: 4096,
        description: 'Units of the two hidden FC layers (4096 in torchvision; smaller only for quick tests).',
      },
      dropout: dropoutSchema(0.5, 'before the first two FC layers'),
    },
  },
  create: (options): Network => ({
    inputShape: [options.inputSize, options.inputSize, 3],
    numClasses: options.numClasses,
    defaultFixedLayers: [0, 7],
    build: (build) => buildAlexnet(build, options),
  }),
});
