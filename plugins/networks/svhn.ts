import { definePlugin } from '../../src/registry/plugin.js';
import type { Network, NetworkBuildOptions } from '../../src/registry/contracts/network.js';
import { NetworkBuilder } from '../../src/models/network-builder.js';
import type { QuantizedModel } from '../../src/models/quantized-model.js';
import { dropoutSchema, numClassesSchema } from './schema-parts.js';

export interface SvhnOptions {
  readonly numClasses: number;
  readonly dropout: number;
}

/** conv 3x3 widths; 'P' = 2x2 max-pool. The 256 conv has no padding (4x4 -> 2x2). */
const CONVS: ReadonlyArray<number | 'P'> = [32, 32, 'P', 64, 64, 'P', 128, 128, 'P', 256, 'P'];

/** The 8-layer SVHN net: 7 conv 3x3 (ReLU + dropout after each, no BN), FC 256->10. */
export function buildSvhn(build: NetworkBuildOptions, options: SvhnOptions): QuantizedModel {
  const b = new NetworkBuilder(build);
  const input = b.input([32, 32, 3]);
  let x = input;
  let conv = 0;
  let pool = 0;
  for (const item of CONVS) {
    if (item === 'P') {
      x = b.maxPool(x, `pool${++pool}`, 2);
      continue;
    }
    const name = `conv${++conv}`;
    x = b.conv(x, name, { filters: item, kernelSize: 3, padding: item === 256 ? 'valid' : 'same', activation: 'relu' });
    x = b.dropout(x, `${name}_dropout`, options.dropout);
  }
  x = b.flatten(x, 'flatten');
  x = b.dense(x, 'fc', { units: options.numClasses });
  return b.finish(input, x, 'svhn');
}

export const svhnPlugin = definePlugin<'network', SvhnOptions>({
  kind: 'network',
  name: 'svhn',
  description: 'SVHN CNN 32x32x3: 7 conv 3x3 + FC, ReLU and dropout, all 8 layers searched',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      numClasses: numClassesSchema(10),
      dropout: dropoutSchema(0.3, 'after each convolution'),
    },
  },
  create: (options): Network => ({
    inputShape: [32, 32, 3],
    numClasses: options.numClasses,
    defaultFixedLayers: [],
    build: (build) => buildSvhn(build, options),
  }),
});
