import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import type { LayerInfo } from '../../src/registry/contracts/layer-table.js';
import { networkPlugins } from '../../plugins/networks/index.js';
import { buildOptions, createNetwork } from './helpers.js';

type Row = Omit<LayerInfo, 'weightStd'>;

function withoutStd(table: LayerInfo[]): Row[] {
  return table.map(({ weightStd: _std, ...rest }) => rest);
}

function conv(name: string, c: number, n: number, k: number, stride: number, inS: number, outS: number): Row {
  return {
    name, kind: 'conv', outChannels: n, inChannels: c, kernelSize: k, stride, inSpatial: inS, outSpatial: outS,
    macs: outS * outS * k * k * c * n, params: k * k * c * n,
  };
}

function dense(name: string, c: number, n: number): Row {
  return { name, kind: 'dense', outChannels: n, inChannels: c, kernelSize: 0, stride: 1, inSpatial: 1, outSpatial: 1, macs: c * n, params: c * n };
}

describe('networks', () => {
  before(async () => { await tf.ready(); });

  // Small sizes where the network allows it, so a cpu forward pass takes well under a second.
  const cases: ReadonlyArray<{ name: string; options: Record<string, unknown>; layers: number; fixed: number[]; input: number[] }> = [
    { name: 'lenet', options: {}, layers: 4, fixed: [], input: [28, 28, 1] },
    { name: 'simplenet', options: {}, layers: 5, fixed: [], input: [32, 32, 3] },
    { name: 'svhn', options: {}, layers: 8, fixed: [], input: [32, 32, 3] },
    { name: 'vgg11', options: {}, layers: 9, fixed: [0, 8], input: [32, 32, 3] },
    { name: 'resnet20', options: {}, layers: 20, fixed: [0, 19], input: [32, 32, 3] },
    { name: 'alexnet', options: { inputSize: 64, classifierWidth: 32, numClasses: 10 }, layers: 8, fixed: [0, 7], input: [64, 64, 3] },
    { name: 'mobilenet', options: { alpha: 0.25, inputSize: 32, numClasses: 10 }, layers: 28, fixed: [], input: [32, 32, 3] },
  ];

  it('exports the seven paper networks', () => {
    expect(networkPlugins.map((p) => p.name)).to.deep.equal(cases.map((c) => c.name));
  });

  for (const c of cases) {
    it(`${c.name}: ${c.layers} quantizable layers, logits of the right shape, no leaked tensors`, async () => {
      const before = tf.memory().numTensors;
      const net = await createNetwork(c.name, c.options);
      expect(net.inputShape).to.deep.equal(c.input);
      expect(net.defaultFixedLayers).to.deep.equal(c.fixed);
      const qm = net.build(buildOptions());
      const table = qm.layerTable();
      expect(table).to.have.length(c.layers);
      expect(new Set(table.map((l) => l.name)).size).to.equal(c.layers);
      for (const l of table) {
        expect(l.macs, l.name).to.be.greaterThan(0);
        expect(l.weightStd, l.name).to.be.greaterThan(0);
        expect(l.kernelSize === 0, l.name).to.equal(l.kind === 'dense');
      }
      expect(table[table.length - 1]!.kind).to.equal('dense');
      expect(table[table.length - 1]!.outChannels).to.equal(net.numClasses);
      expect(qm.getBitwidths()).to.deep.equal(new Array(c.layers).fill(32));
      tf.tidy(() => {
        const y = qm.model.predict(tf.randomNormal([2, ...c.input], 0, 1, 'float32', 5)) as tf.Tensor;
        expect(y.shape).to.deep.equal([2, net.numClasses]);
        expect(Array.from(y.dataSync()).every(Number.isFinite)).to.equal(true);
      });
      qm.dispose();
      expect(tf.memory().numTensors).to.equal(before);
    });
  }

  it('lenet: layer table computed by hand', async () => {
    const qm = (await createNetwork('lenet')).build(buildOptions());
    // conv1: 28x28x1 -> 5x5 valid -> 24x24x20: 24*24 * 5*5*1*20 = 576 * 500 = 288,000 MACs, 500 weights
    // pool 2 -> 12x12x20; conv2 -> 8x8x50: 64 * 5*5*20*50 = 64 * 25,000 = 1,600,000 MACs, 25,000 weights
    // pool 2 -> 4x4x50 = 800; fc1 800x500 = 400,000; fc2 500x10 = 5,000
    expect(withoutStd(qm.layerTable())).to.deep.equal([
      { name: 'conv1', kind: 'conv', outChannels: 20, inChannels: 1, kernelSize: 5, stride: 1, inSpatial: 28, outSpatial: 24, macs: 288_000, params: 500 },
      { name: 'conv2', kind: 'conv', outChannels: 50, inChannels: 20, kernelSize: 5, stride: 1, inSpatial: 12, outSpatial: 8, macs: 1_600_000, params: 25_000 },
      { name: 'fc1', kind: 'dense', outChannels: 500, inChannels: 800, kernelSize: 0, stride: 1, inSpatial: 1, outSpatial: 1, macs: 400_000, params: 400_000 },
      { name: 'fc2', kind: 'dense', outChannels: 10, inChannels: 500, kernelSize: 0, stride: 1, inSpatial: 1, outSpatial: 1, macs: 5_000, params: 5_000 },
    ]);
    // 2,293,000 MACs in all: 4.59 MFLOP per image, the figure in ../shared/backend-notes.md
    expect(qm.layerTable().reduce((s, l) => s + l.macs, 0)).to.equal(2_293_000);
    qm.dispose();
  });

  it('resnet20: layer table computed by hand (20 searched layers; shortcuts optional)', async () => {
    const qm = (await createNetwork('resnet20')).build(buildOptions());
    const table = withoutStd(qm.layerTable());
    const expected: Row[] = [conv('conv1', 3, 16, 3, 1, 32, 32)];
    const stages = [[16, 32], [32, 16], [64, 8]] as const;
    stages.forEach(([ch, size], s) => {
      for (let b = 0; b < 3; b++) {
        const first = s > 0 && b === 0;
        expected.push(conv(`layer${s + 1}.${b}.conv1`, first ? ch / 2 : ch, ch, 3, first ? 2 : 1, first ? size * 2 : size, size));
        expected.push(conv(`layer${s + 1}.${b}.conv2`, ch, ch, 3, 1, size, size));
      }
    });
    expected.push(dense('fc', 64, 10));
    expect(table).to.deep.equal(expected);
    // by hand: conv1 32*32*27*16 = 442,368; the 16 full 3x3 convs at 2,359,296 each
    // (32*32*9*16*16 = 16*16*9*32*32 = 8*8*9*64*64); the two strided ones 1,179,648 each; fc 640
    expect(table.reduce((s, l) => s + l.macs, 0)).to.equal(442_368 + 16 * 2_359_296 + 2 * 1_179_648 + 640);
    expect(table.reduce((s, l) => s + l.macs, 0)).to.equal(40_551_040);
    // weights: 432 + 6*2,304 + 4,608 + 5*9,216 + 18,432 + 5*36,864 + 640 = 268,336
    expect(table.reduce((s, l) => s + l.params, 0)).to.equal(268_336);
    qm.dispose();

    const all = (await createNetwork('resnet20', { shortcuts: 'searched' }));
    expect(all.defaultFixedLayers).to.deep.equal([0, 21]);
    const withShortcuts = all.build(buildOptions());
    const rows = withoutStd(withShortcuts.layerTable());
    expect(rows).to.have.length(22);
    // 1x1 stride-2 shortcuts: 16*16*16*32 = 131,072 and 8*8*32*64 = 131,072 MACs, placed after their block's conv2
    expect(rows[9]).to.deep.equal(conv('layer2.0.downsample.0', 16, 32, 1, 2, 32, 16));
    expect(rows[16]).to.deep.equal(conv('layer3.0.downsample.0', 32, 64, 1, 2, 16, 8));
    expect(rows[9]!.macs + rows[16]!.macs).to.equal(262_144);
    withShortcuts.dispose();
  });

  it('alexnet: torchvision geometry at a small input (conv1 11x11/4 pad 2, 6x6 adaptive pool before fc1)', async () => {
    const qm = (await createNetwork('alexnet', { inputSize: 64, classifierWidth: 32, numClasses: 10 })).build(buildOptions());
    const rows = withoutStd(qm.layerTable());
    // 64 -> floor((64 + 4 - 11)/4) + 1 = 15 -> pool 3/2 -> 7 -> conv2 7 -> pool 3 -> conv3..5 at 3 -> pool 1 -> 6x6 (replicated)
    expect(rows.map((r) => [r.name, r.inSpatial, r.outSpatial])).to.deep.equal([
      ['conv1', 64, 15], ['conv2', 7, 7], ['conv3', 3, 3], ['conv4', 3, 3], ['conv5', 3, 3], ['fc1', 1, 1], ['fc2', 1, 1], ['fc3', 1, 1],
    ]);
    expect(rows[0]).to.deep.equal(conv('conv1', 3, 64, 11, 4, 64, 15));
    expect(rows[5]).to.deep.equal(dense('fc1', 256 * 36, 32));
    qm.dispose();
  });

  it('mobilenet: 27 conv (depthwise inChannels 1) + fc, widths scale with alpha', async () => {
    const qm = (await createNetwork('mobilenet', { alpha: 0.75, inputSize: 32, numClasses: 10 })).build(buildOptions());
    const rows = withoutStd(qm.layerTable());
    expect(rows.map((r) => r.kind)).to.deep.equal(['conv', ...new Array(13).fill(['depthwise', 'conv']).flat(), 'dense']);
    expect(rows[0]).to.deep.equal(conv('conv1', 3, 24, 3, 2, 32, 16));
    // conv_dw_1 on 16x16x24: 16*16*9*24 MACs, 9*24 weights
    expect(rows[1]).to.deep.equal({
      name: 'conv_dw_1', kind: 'depthwise', outChannels: 24, inChannels: 1, kernelSize: 3, stride: 1,
      inSpatial: 16, outSpatial: 16, macs: 16 * 16 * 9 * 24, params: 216,
    });
    expect(rows[26]).to.deep.equal(conv('conv_pw_13', 768, 768, 1, 1, 1, 1));
    expect(rows[27]).to.deep.equal(dense('fc', 768, 10));
    qm.dispose();
  });
});
