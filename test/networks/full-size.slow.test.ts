import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { buildOptions, createNetwork } from './helpers.js';

/** Full-size ImageNet layer tables against published totals (slow: builds ~61M random weights). */
describe('full-size ImageNet networks (slow)', () => {
  before(async () => { await tf.ready(); });

  it('alexnet at 224: 714,188,480 MACs and 61,090,496 weights (torchvision, by hand)', async () => {
    const qm = (await createNetwork('alexnet')).build(buildOptions());
    const table = qm.layerTable();
    // conv1 55*55*11*11*3*64, conv2 27*27*5*5*64*192, conv3..5 13*13*9*(192*384, 384*256, 256*256),
    // fc 9216*4096, 4096*4096, 4096*1000
    const macs = [70_276_800, 223_948_800, 112_140_288, 149_520_384, 99_680_256, 37_748_736, 16_777_216, 4_096_000];
    expect(table.map((l) => l.macs)).to.deep.equal(macs);
    expect(table.reduce((s, l) => s + l.params, 0)).to.equal(61_090_496);
    expect(table.map((l) => l.outSpatial)).to.deep.equal([55, 27, 13, 13, 13, 1, 1, 1]);
    qm.dispose();
  });

  it('mobilenet 1.0 at 224: about 569M multiply-adds and 4.2M weights (Howard et al., Table 2)', async () => {
    const qm = (await createNetwork('mobilenet')).build(buildOptions());
    const table = qm.layerTable();
    const macs = table.reduce((s, l) => s + l.macs, 0);
    const params = table.reduce((s, l) => s + l.params, 0);
    expect(macs).to.be.within(568e6, 570e6);
    expect(params).to.be.within(4.2e6, 4.25e6);
    expect(table[26]!.outSpatial).to.equal(7);
    qm.dispose();
  });
});
