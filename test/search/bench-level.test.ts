import { expect } from 'chai';
import { censoredMedian, levelSet, PAPER_SEARCH, releqDefaults, type RunRow } from '../../bench/search-harness.js';
import { releqReward } from '../../plugins/rewards/releq.js';
import { syntheticLandscape } from './fixtures.js';

describe('bench:search metric', () => {
  it('the 98% level is normalised between the worst and best recorded rewards', () => {
    const land = syntheticLandscape(3);
    const reward = { compute: (i: Parameters<typeof releqReward>[0]) => releqReward(i, releqDefaults) };
    expect([...levelSet(land, reward, PAPER_SEARCH)]).to.deep.equal(['4,3,5']);
    // At level 0 every recorded assignment qualifies.
    expect(levelSet(land, reward, PAPER_SEARCH, 0).size).to.equal(125);
  });

  it('counts unreached seeds at the budget in the median', () => {
    const row = (e: number | null): RunRow => ({ evaluationsTo98: e } as RunRow);
    expect(censoredMedian([row(10), row(null), row(30)], 3000)).to.equal(30);
    expect(censoredMedian([row(10), row(null), row(null), row(20)], 3000)).to.equal(1510);
  });
});
