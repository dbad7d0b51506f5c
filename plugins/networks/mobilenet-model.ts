import type { NetworkBuildOptions } from '../../src/registry/contracts/network.js';
import { NetworkBuilder } from '../../src/models/network-builder.js';
import type { QuantizedModel } from '../../src/models/quantized-model.js';

export interface MobilenetShape {
  /** Width multiplier alpha. */
  readonly alpha: number;
  readonly inputSize: number;
  readonly numClasses: number;
  /** 2 for ImageNet; 1 gives the CIFAR-style stem for 32x32 inputs. */
  readonly stemStride: number;
}

/** Pointwise widths (at alpha 1) and depthwise strides of the 13 separable blocks. */
const BLOCKS: ReadonlyArray<readonly [number, number]> = [
  [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
  [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1],
];

/**
 * MobileNet-V1 (Howard et al. 2017) in the Keras layout, whose layer names it keeps (conv1, conv1_bn,
 * conv_dw_i, conv_pw_i, ..._bn) so pretrained Keras weights map by name: conv 3x3/2 + BN + ReLU6, then
 * 13 x (depthwise 3x3 + BN + ReLU6, pointwise 1x1 + BN + ReLU6), global average pool, FC `fc`.
 * Batch norm stays a separate layer (not folded), so fine-tuning updates it as in training.
 */
export function buildMobilenet(build: NetworkBuildOptions, options: MobilenetShape): QuantizedModel {
  const b = new NetworkBuilder(build);
  const width = (channels: number): number => Math.trunc(channels * options.alpha);
  const input = b.input([options.inputSize, options.inputSize, 3]);
  let x = b.conv(input, 'conv1', { filters: width(32), kernelSize: 3, strides: options.stemStride, useBias: false });
  x = b.activation(b.batchNorm(x, 'conv1_bn'), 'conv1_relu', 'relu6');
  BLOCKS.forEach(([channels, strides], i) => {
    const id = i + 1;
    x = b.depthwise(x, `conv_dw_${id}`, { kernelSize: 3, strides, useBias: false });
    x = b.activation(b.batchNorm(x, `conv_dw_${id}_bn`), `conv_dw_${id}_relu`, 'relu6');
    x = b.conv(x, `conv_pw_${id}`, { filters: width(channels), kernelSize: 1, useBias: false });
    x = b.activation(b.batchNorm(x, `conv_pw_${id}_bn`), `conv_pw_${id}_relu`, 'relu6');
  });
  x = b.globalAveragePool(x, 'global_average_pooling');
  x = b.dense(x, 'fc', { units: options.numClasses });
  return b.finish(input, x, `mobilenet_v1_${options.alpha}`);
}
