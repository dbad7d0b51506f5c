import { expect } from 'chai';
import { linearReward } from '../../plugins/rewards/linear.js';
import { BudgetReward } from '../../plugins/rewards/budget.js';
import type { AdjustContext, Bitwidths } from '../../src/registry/contracts/index.js';

describe('linear reward', () => {
  const o = { quantizationWeight: 4, accuracyWeight: 6, minQuantization: 0.25, scale: 2 };
  it('is 2 * max(0, 4 * (0.25 - SQ) + 6 * SA)', () => {
    expect(linearReward({ stateQuantization: 0.5, stateAccuracy: 0.9, bits: [] }, o)).to.be.closeTo(2 * (4 * -0.25 + 5.4), 1e-12);
    expect(linearReward({ stateQuantization: 1, stateAccuracy: 0.1, bits: [] }, o)).to.equal(0);
  });
});

describe('budget reward (HAQ-like)', () => {
  const ctx = (searched: boolean[]): AdjustContext => ({
    bitwidths: [2, 4, 8], searched, relativeCost: async (b: Bitwidths) => b.reduce((s, x) => s + x, 0) / (8 * b.length),
  });
  it('lowers searched layers one step at a time, in order, round after round, until the cost fits', async () => {
    const r = new BudgetReward({ budget: 0.5, scale: 1 });
    expect(await r.adjust([8, 8, 8], ctx([true, true, true]))).to.deep.equal([4, 4, 4]);
    // fixed first layer never moves: the others go down to 2 where needed
    expect(await r.adjust([8, 8, 8], ctx([false, true, true]))).to.deep.equal([8, 2, 2]);
    expect(await r.adjust([2, 4, 2], ctx([true, true, true]))).to.deep.equal([2, 4, 2]);
  });
  it('rewards accuracy only, and -scale when the budget is unreachable', async () => {
    const r = new BudgetReward({ budget: 0.3, scale: 2 });
    expect(await r.adjust([8, 8, 8], ctx([false, true, true]))).to.deep.equal([8, 2, 2]); // 0.5 > 0.3: gave up
    expect(r.compute({ stateQuantization: 0.5, stateAccuracy: 0.9, bits: [], relativeCost: 0.3 })).to.be.closeTo(-0.2, 1e-12);
    expect(r.compute({ stateQuantization: 0.5, stateAccuracy: 0.9, bits: [], relativeCost: 0.5 })).to.equal(-2);
  });
});
