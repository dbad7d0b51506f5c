import { expect } from 'chai';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSearch } from '../../src/search/run-search.js';
import type { EpisodeRecord, SearchInput } from '../../src/search/types.js';
import { RandomAgent } from '../../plugins/agents/random.js';
import { releqRewardPlugin } from '../../plugins/rewards/releq.js';
import { Rng } from '../../src/services/rng.js';
import { MemoryLogger } from '../../src/services/logger.js';
import type { Reward } from '../../src/registry/contracts/index.js';
import type { PluginContext } from '../../src/registry/plugin.js';
import { defaultSearchConfig, syntheticProblem } from './fixtures.js';

const reward = (): Reward => releqRewardPlugin.create({ a: 0.8, b: 1, th: 0.4, minQuantization: 0.25 }, {} as PluginContext) as Reward;

async function input(over: Partial<SearchInput> = {}): Promise<SearchInput> {
  const { evaluator, problem } = await syntheticProblem(3);
  return {
    problem, evaluator, agent: new RandomAgent(Rng.stream(1, 'agent')), reward: reward(),
    config: defaultSearchConfig(), episodes: 200, rng: Rng.stream(1, 'search'),
    checkpointDir: await mkdtemp(join(tmpdir(), 'releq-search-')), resume: false,
    signal: new AbortController().signal, logger: new MemoryLogger(), ...over,
  };
}

describe('runSearch with the random agent', () => {
  it('runs the budget, caches evaluations, tracks best and Pareto, writes episodes.jsonl', async () => {
    const records: EpisodeRecord[] = [];
    const i = await input({ onEpisode: (r) => { records.push(r); } });
    const res = await runSearch(i);
    expect(res.episodes).to.equal(200);
    expect(records).to.have.length(201); // 200 sampled + 1 greedy
    expect(records[200]!.mode).to.equal('greedy');
    // 125 assignments exist; 200 samples + start evaluation revisit many of them.
    expect(res.evaluations).to.be.at.most(125);
    expect(res.evaluations + res.cacheHits).to.equal(201 + 1);
    expect(i.evaluator.stats().distinct).to.equal(res.evaluations);
    // The greedy rollout of a random agent replays its best sampled episode.
    expect(res.final.bits).to.deep.equal(res.best.bits);
    expect(res.best.reward).to.equal(Math.max(...records.map((r) => r.reward)));
    for (let k = 1; k < res.pareto.length; k++) {
      expect(res.pareto[k]!.averageBits).to.be.greaterThan(res.pareto[k - 1]!.averageBits);
      expect(res.pareto[k]!.accuracy).to.be.greaterThan(res.pareto[k - 1]!.accuracy);
    }
    const lines = (await readFile(join(i.checkpointDir, 'episodes.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).to.have.length(201);
    expect(JSON.parse(lines[0]!).episode).to.equal(1);
  });

  it('stops at maxEvaluations', async () => {
    const res = await runSearch(await input({ config: defaultSearchConfig({ maxEvaluations: 10 }) }));
    expect(res.evaluations).to.be.within(10, 11);
    expect(res.episodes).to.be.lessThan(200);
  });
});
