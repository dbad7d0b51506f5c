import { expect } from 'chai';
import { QuantizationEnv } from '../../src/search/environment.js';
import { ReleqError } from '../../src/errors.js';
import type { ProblemDescription } from '../../src/registry/contracts/index.js';
import { defaultSearchConfig, layer } from './fixtures.js';

const problem: ProblemDescription = {
  network: 'toy',
  layers: [layer('c1', 20, 1, 5, 0.2), layer('c2', 50, 20, 5, 0.04), layer('f1', 500, 800, 0, 0.02), layer('f2', 10, 500, 0, 0.07)],
  fullPrecisionAccuracy: 0.99, fixedLayers: [0, 3], fixedBits: 8,
};

describe('QuantizationEnv (the MDP)', () => {
  it('builds the 8-feature state: index, bits, SQ, SA, normalised n/c/k, weight std', () => {
    const env = new QuantizationEnv(problem, defaultSearchConfig());
    const f = Array.from(env.features(2, [2, 4, 8, 8], 0.9));
    const expected = [2 / 4, 8 / 8, 22 / 32, 0.9, (500 - 10) / 490, (800 - 1) / 799, 0, 0.02];
    expect(f).to.have.length(8);
    f.forEach((v, i) => expect(v).to.be.closeTo(expected[i]!, 1e-6));
    expect(env.setup()).to.deep.include({ featureCount: 8, stepsPerEpisode: 4, searchedLayers: [0, 1, 2, 3] });
  });

  it('drops State_Accuracy in the 7-feature state', () => {
    const env = new QuantizationEnv(problem, defaultSearchConfig({ state: { features: 7, quantization: 'mean' } }));
    const f = Array.from(env.features(1, [8, 8, 8, 8], 0.5));
    expect(f).to.have.length(7);
    expect(f[3]).to.be.closeTo((50 - 10) / 490, 1e-6);
  });

  it('State_Quantization: plain mean or weighted by parameter count', () => {
    const mean = new QuantizationEnv(problem, defaultSearchConfig());
    const weighted = new QuantizationEnv(problem, defaultSearchConfig({ state: { features: 8, quantization: 'weighted' } }));
    const bits = [8, 8, 2, 8];
    expect(mean.stateQuantization(bits)).to.be.closeTo(26 / 32, 1e-12);
    const p = [500, 25000, 400000, 5000];
    const w = (p[0]! * 8 + p[1]! * 8 + p[2]! * 2 + p[3]! * 8) / (8 * (p[0]! + p[1]! + p[2]! + p[3]!));
    expect(weighted.stateQuantization(bits)).to.be.closeTo(w, 1e-12);
    expect(weighted.stateQuantization(bits)).to.be.lessThan(mean.stateQuantization(bits));
  });

  it('flexible actions pick a bitwidth; restricted ones step down / keep / up the ladder, stopping at the ends', () => {
    const flex = new QuantizationEnv(problem, defaultSearchConfig());
    expect(flex.actionSpace).to.deep.equal({ kind: 'flexible', size: 5, bitwidths: [2, 3, 4, 5, 8] });
    expect(flex.apply([8, 8, 8, 8], 1, 0)).to.deep.equal([8, 2, 8, 8]);
    const res = new QuantizationEnv(problem, defaultSearchConfig({ actions: 'restricted' }));
    expect(res.actionSpace.size).to.equal(3);
    expect(res.apply([8, 8, 8, 8], 1, 0)).to.deep.equal([8, 5, 8, 8]);
    expect(res.apply([8, 5, 8, 8], 1, 1)).to.deep.equal([8, 5, 8, 8]);
    expect(res.apply([8, 5, 8, 8], 1, 2)).to.deep.equal([8, 8, 8, 8]);
    expect(res.apply([8, 8, 8, 8], 0, 2)).to.deep.equal([8, 8, 8, 8]);
    expect(res.apply([2, 8, 8, 8], 0, 0)).to.deep.equal([2, 8, 8, 8]);
    expect(() => res.apply([8, 8, 8, 8], 0, 3)).to.throw(ReleqError, 'outside 0..2');
  });

  it('fixed layers (network default or explicit) keep fixedBits; startBits and sweeps shape the episode', () => {
    const env = new QuantizationEnv(problem, defaultSearchConfig({ fixedLayers: 'default', startBits: 5, fixedBits: 8, sweeps: 2 }));
    expect(env.searched).to.deep.equal([false, true, true, false]);
    expect(env.startBits()).to.deep.equal([8, 5, 5, 8]);
    expect(env.stepLayers).to.deep.equal([1, 2, 1, 2]);
    const explicit = new QuantizationEnv(problem, defaultSearchConfig({ fixedLayers: [2], fixedBits: 4 }));
    expect(explicit.startBits()).to.deep.equal([8, 8, 4, 8]);
    expect(new QuantizationEnv(problem, defaultSearchConfig({ fixedLayers: 'none' })).stepLayers).to.deep.equal([0, 1, 2, 3]);
  });

  const bad: Array<[string, Parameters<typeof defaultSearchConfig>[0], string]> = [
    ['unsorted bitwidths', { bitwidths: [4, 2] }, 'ascending without repeats'],
    ['bitwidth out of range', { bitwidths: [0, 2] }, 'search.bitwidths[0] must be an integer in 1..32'],
    ['fixed layer out of range', { fixedLayers: [7] }, 'names layer 7, but toy has layers 0..3'],
    ['everything fixed', { fixedLayers: [0, 1, 2, 3] }, 'nothing is left to search'],
    ['zero sweeps', { sweeps: 0 }, 'search.sweeps must be a positive integer'],
  ];
  for (const [name, over, fragment] of bad) {
    it(`rejects ${name}`, () => {
      expect(() => new QuantizationEnv(problem, defaultSearchConfig(over))).to.throw(ReleqError, fragment);
    });
  }
});
