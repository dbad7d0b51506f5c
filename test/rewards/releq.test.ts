import { expect } from 'chai';
import { releqReward, releqRewardPlugin } from '../../plugins/rewards/releq.js';
import type { PluginContext } from '../../src/registry/plugin.js';

const o = { a: 0.8, b: 1, th: 0.4, minQuantization: 0.25 };

describe('releq reward', () => {
  it('matches hand-computed values', () => {
    // SQ = 0.5 -> x = 0.25, x^0.8 = 0.329877; y = 0.9 -> y^(1/0.9) = 0.889533
    const r = releqReward({ stateQuantization: 0.5, stateAccuracy: 0.9, bits: [] }, o);
    expect(r).to.be.closeTo(2 * ((1 - 0.25 ** 0.8) * 0.9 ** (1 / 0.9) - 0.5), 1e-12);
    expect(r).to.be.closeTo(0.19219, 1e-4);
    // All at the lowest bitwidth with full accuracy: the maximum, 1.
    expect(releqReward({ stateQuantization: 0.25, stateAccuracy: 1, bits: [] }, o)).to.be.closeTo(1, 1e-12);
  });

  it('gives -1 below the threshold and guards x < 0', () => {
    expect(releqReward({ stateQuantization: 0.5, stateAccuracy: 0.39, bits: [] }, o)).to.equal(-1);
    const below = releqReward({ stateQuantization: 0.125, stateAccuracy: 1, bits: [] }, o);
    expect(Number.isNaN(below)).to.equal(false);
    expect(below).to.be.closeTo(1, 1e-12);
  });

  it('rises as State_Quantization falls and as State_Accuracy rises, steeper at lower accuracy', () => {
    const r = (sq: number, sa: number): number => releqReward({ stateQuantization: sq, stateAccuracy: sa, bits: [] }, o);
    expect(r(0.4, 0.95)).to.be.greaterThan(r(0.5, 0.95));
    expect(r(0.5, 0.95)).to.be.greaterThan(r(0.5, 0.9));
    expect(r(0.5, 0.6) - r(0.5, 0.55)).to.be.greaterThan(r(0.5, 0.95) - r(0.5, 0.9));
  });

  it('is created by its plugin with the given options', async () => {
    const reward = await releqRewardPlugin.create({ ...o, th: 0.95 }, {} as PluginContext);
    expect(reward.compute({ stateQuantization: 0.5, stateAccuracy: 0.9, bits: [] })).to.equal(-1);
  });
});

describe('releq reward on hardware cost', () => {
  const o = { a: 0.8, b: 1, th: 0.4, minQuantization: 0.25, quantizationTerm: 'hardware' as const };
  it('measures quantization by the relative hardware cost instead of average bits', () => {
    const byCost = releqReward({ stateQuantization: 1, stateAccuracy: 0.9, bits: [], relativeCost: 0.5 }, o);
    const byBits = releqReward({ stateQuantization: 0.5, stateAccuracy: 0.9, bits: [] }, { ...o, quantizationTerm: 'bits' });
    expect(byCost).to.be.closeTo(byBits, 1e-12);
  });
  it('says so when no hardware cost is given', () => {
    expect(() => releqReward({ stateQuantization: 0.5, stateAccuracy: 0.9, bits: [] }, o)).to.throw('needs a relative hardware cost');
  });
});
