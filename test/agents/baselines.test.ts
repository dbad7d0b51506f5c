import { expect } from 'chai';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GreedyAgent } from '../../plugins/agents/greedy.js';
import { ExhaustiveAgent } from '../../plugins/agents/exhaustive.js';
import { RandomAgent } from '../../plugins/agents/random.js';
import { releqReward } from '../../plugins/rewards/releq.js';
import { runSearch } from '../../src/search/run-search.js';
import { Rng } from '../../src/services/rng.js';
import { MemoryLogger } from '../../src/services/logger.js';
import { ReleqError } from '../../src/errors.js';
import type { Agent } from '../../src/registry/contracts/index.js';
import type { SearchConfig } from '../../src/runner/config/types.js';
import type { SearchResult } from '../../src/search/types.js';
import { defaultSearchConfig, syntheticProblem } from '../search/fixtures.js';

async function search(agent: Agent, episodes: number, config: Partial<SearchConfig> = {}, layers = 3): Promise<SearchResult> {
  const { evaluator, problem } = await syntheticProblem(layers);
  return runSearch({
    problem, evaluator, agent, reward: { compute: (i) => releqReward(i, { a: 0.8, b: 1, th: 0.4, minQuantization: 0.25 }) },
    config: defaultSearchConfig(config), episodes, rng: Rng.stream(1, 'search'),
    checkpointDir: await mkdtemp(join(tmpdir(), 'releq-base-')), resume: false,
    signal: new AbortController().signal, logger: new MemoryLogger(),
  });
}

describe('baseline agents', () => {
  it('exhaustive tries every assignment once and its rollout is the optimum', async () => {
    const res = await search(new ExhaustiveAgent({ limit: 1000 }), 10000);
    expect(res.episodes).to.equal(125);
    expect(res.evaluations).to.equal(125);
    expect(res.final.bits).to.deep.equal([4, 3, 5]);
    expect(res.final.bits).to.deep.equal(res.best.bits);
  });

  it('exhaustive refuses a space over its limit, naming the size', async () => {
    try {
      await search(new ExhaustiveAgent({ limit: 100 }), 10);
      expect.fail('expected a ReleqError');
    } catch (error) {
      expect(ReleqError.is(error)).to.equal(true);
      expect((error as Error).message).to.contain('5^3 = 1.250e+2 episodes, over its limit of 100');
    }
  });

  it('greedy lowers layers while the accuracy holds and stops by itself at the per-layer safe bitwidths', async () => {
    const res = await search(new GreedyAgent({ tolerance: 0.005 }), 1000);
    expect(res.final.bits).to.deep.equal([4, 3, 5]);
    expect(res.episodes).to.be.lessThan(20);
    expect(res.final.accuracy).to.be.closeTo(0.9, 1e-12);
  });

  it('greedy and exhaustive need flexible actions', async () => {
    for (const agent of [new GreedyAgent({ tolerance: 0 }), new ExhaustiveAgent({ limit: 10 })]) {
      try {
        await search(agent, 5, { actions: 'restricted' });
        expect.fail('expected a ReleqError');
      } catch (error) {
        expect((error as Error).message).to.contain('needs search.actions: flexible');
      }
    }
  });

  it('random agent draws every action about equally often', async () => {
    const agent = new RandomAgent(Rng.stream(2, 'agent'));
    await agent.begin({ featureCount: 8, actionSpace: { kind: 'flexible', size: 5, bitwidths: [2, 3, 4, 5, 8] }, stepsPerEpisode: 1, searchedLayers: [0] });
    const counts = [0, 0, 0, 0, 0];
    agent.startEpisode('sample', 1);
    for (let i = 0; i < 5000; i++) counts[agent.act({ episode: 1, step: 0, layer: 0, features: new Float32Array(8), bits: [8] }).action]!++;
    for (const c of counts) expect(c).to.be.within(900, 1100);
  });
});
