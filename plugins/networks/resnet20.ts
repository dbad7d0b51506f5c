import type * as tf from '@tensorflow/tfjs';
import { definePlugin } from '../../src/registry/plugin.js';
import type { Network, NetworkBuildOptions } from '../../src/registry/contracts/network.js';
import { NetworkBuilder } from '../../src/models/network-builder.js';
import type { QuantizedModel } from '../../src/models/quantized-model.js';
import { numClassesSchema } from './schema-parts.js';

export interface Resnet20Options {
  readonly numClasses: number;
  /** 'fixed': the two 1x1 shortcut convs are quantized at shortcutBits but not searched. */
  readonly shortcuts: 'fixed' | 'searched';
  readonly shortcutBits: number;
}

/**
 * ResNet-20 for CIFAR-10 (He et al. 2016, Distiller's resnet_cifar layout): conv 16 + BN + ReLU,
 * three stages of three basic blocks (16/32/64 channels, stride 2 at stages 2 and 3), 1x1 conv + BN
 * shortcut at stage changes, global average pool, FC. Layer names follow the PyTorch modules.
 */
export function buildResnet20(build: NetworkBuildOptions, options: Resnet20Options): QuantizedModel {
  const b = new NetworkBuilder(build);
  const searched = options.shortcuts === 'searched';
  const input = b.input([32, 32, 3]);
  let x = b.conv(input, 'conv1', { filters: 16, kernelSize: 3, useBias: false });
  x = b.activation(b.batchNorm(x, 'bn1'), 'relu1', 'relu');
  let inChannels = 16;
  [16, 32, 64].forEach((channels, stage) => {
    for (let block = 0; block < 3; block++) {
      const n = `layer${stage + 1}.${block}`;
      const strides = stage > 0 && block === 0 ? 2 : 1;
      let y = b.conv(x, `${n}.conv1`, { filters: channels, kernelSize: 3, strides, useBias: false });
      y = b.activation(b.batchNorm(y, `${n}.bn1`), `${n}.relu1`, 'relu');
      y = b.conv(y, `${n}.conv2`, { filters: channels, kernelSize: 3, useBias: false });
      y = b.batchNorm(y, `${n}.bn2`);
      let shortcut: tf.SymbolicTensor = x;
      if (strides !== 1 || inChannels !== channels) {
        shortcut = b.conv(x, `${n}.downsample.0`, {
          filters: channels, kernelSize: 1, strides, useBias: false, inTable: searched,
        });
        shortcut = b.batchNorm(shortcut, `${n}.downsample.1`);
      }
      x = b.activation(b.add([y, shortcut], `${n}.add`), `${n}.relu2`, 'relu');
      inChannels = channels;
    }
  });
  x = b.globalAveragePool(x, 'avgpool');
  x = b.dense(x, 'fc', { units: options.numClasses });
  return b.finish(input, x, 'resnet20', options.shortcutBits);
}

export const resnet20Plugin = definePlugin<'network', Resnet20Options>({
  kind: 'network',
  name: 'resnet20',
  description: 'ResNet-20 for CIFAR-10 32x32x3 with BN: 19 conv + FC = 20 searched layers; first and last kept at 8 bits by default',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      numClasses: numClassesSchema(10),
      shortcuts: {
        type: 'string',
        enum: ['fixed', 'searched'],
        default: 'fixed',
        description: 'The two 1x1 shortcut convs: "fixed" keeps them out of the layer table at shortcutBits '
          + '(20 searched layers, as the paper counts); "searched" puts them in the table (22 layers).',
      },
      shortcutBits: {
        type: 'integer',
        enum: [1, 2, 3, 4, 5, 6, 7, 8, 32],
        default: 8,
        description: 'Weight bitwidth of unsearched shortcut convs while the model is quantized (32 when all searched layers are).',
      },
    },
  },
  create: (options): Network => {
    const layers = options.shortcuts === 'searched' ? 22 : 20;
    return {
      inputShape: [32, 32, 3],
      numClasses: options.numClasses,
      defaultFixedLayers: [0, layers - 1],
      build: (build) => buildResnet20(build, options),
    };
  },
});
