import type { LayerInfo } from '../../src/registry/contracts/layer-table.js';
import type { LayerPrecision } from '../../src/registry/contracts/hardware.js';

/** Hand-written layer tables (shapes from the paper), so the models are tested without the network plugins. */
export function conv(name: string, c: number, n: number, k: number, inSpatial: number, outSpatial: number, stride = 1): LayerInfo {
  return {
    name, kind: 'conv', outChannels: n, inChannels: c, kernelSize: k, stride, inSpatial, outSpatial,
    macs: outSpatial * outSpatial * n * c * k * k, params: n * c * k * k, weightStd: 0.1,
  };
}

export function dense(name: string, c: number, n: number): LayerInfo {
  return {
    name, kind: 'dense', outChannels: n, inChannels: c, kernelSize: 0, stride: 1, inSpatial: 1, outSpatial: 1,
    macs: c * n, params: c * n, weightStd: 0.1,
  };
}

/** LeNet: conv5x5 1->20 on 28x28 (valid) -> 24x24, pool, conv5x5 20->50 -> 8x8, pool, FC 800->500, FC 500->10. */
export const LENET: readonly LayerInfo[] = [
  conv('conv1', 1, 20, 5, 28, 24), conv('conv2', 20, 50, 5, 12, 8), dense('fc1', 800, 500), dense('fc2', 500, 10),
];

/** ResNet-20 for CIFAR-10: conv 16, 3 stages x 3 basic blocks (16/32/64), FC (shortcut convs not searched). */
export const RESNET20: readonly LayerInfo[] = (() => {
  const layers: LayerInfo[] = [conv('conv1', 3, 16, 3, 32, 32)];
  let c = 16, spatial = 32;
  [16, 32, 64].forEach((n, stage) => {
    for (let block = 0; block < 3; block++) {
      const stride = stage > 0 && block === 0 ? 2 : 1;
      const out = spatial / stride;
      layers.push(conv(`layer${stage + 1}.${block}.conv1`, c, n, 3, spatial, out, stride));
      layers.push(conv(`layer${stage + 1}.${block}.conv2`, n, n, 3, out, out));
      c = n;
      spatial = out;
    }
  });
  layers.push(dense('fc', 64, 10));
  return layers;
})();

export function uniform(count: number, weightBits: number, activationBits: number): LayerPrecision[] {
  return Array.from({ length: count }, () => ({ weightBits, activationBits }));
}
