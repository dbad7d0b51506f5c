import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PpoAgent, type PpoOptions } from '../../src/search/ppo/ppo-agent.js';
import { ExhaustiveAgent } from '../../plugins/agents/exhaustive.js';
import { releqReward } from '../../plugins/rewards/releq.js';
import { runSearch } from '../../src/search/run-search.js';
import { Rng } from '../../src/services/rng.js';
import { MemoryLogger } from '../../src/services/logger.js';
import type { Agent } from '../../src/registry/contracts/index.js';
import type { SearchResult } from '../../src/search/types.js';
import { defaultSearchConfig, syntheticProblem } from '../search/fixtures.js';

export const fastPpo: PpoOptions = {
  clip: 0.3, valueCoef: 1, entropyCoef: 0.01, learningRate: 3e-3, gamma: 0.9, lambda: 1, temperature: 0.5,
  hidden: 24, trunk: 'lstm', episodesPerUpdate: 4, epochs: 2, minibatches: 2, normalizeAdvantages: false, maxGradNorm: 0,
};

async function search(agent: Agent, episodes: number, safe = [3, 3, 3]): Promise<SearchResult> {
  const { evaluator, problem } = await syntheticProblem(3, safe);
  return runSearch({
    problem, evaluator, agent, reward: { compute: (i) => releqReward(i, { a: 0.8, b: 1, th: 0.4, minQuantization: 0.25 }) },
    config: defaultSearchConfig(), episodes, rng: Rng.stream(5, 'search'),
    checkpointDir: await mkdtemp(join(tmpdir(), 'releq-ppo-')), resume: false,
    signal: new AbortController().signal, logger: new MemoryLogger(),
  });
}

describe('PPO agent', function () {
  this.timeout(60000);
  before(async () => { await tf.setBackend('cpu'); });

  it('finds the optimum of a tiny synthetic landscape (the one exhaustive search proves) without leaking tensors', async () => {
    // Every layer loses 25 points per bit below 3: the optimum is [3, 3, 3], below the "safe" 5 and 8.
    const truth = await search(new ExhaustiveAgent({ limit: 1000 }), 1000);
    expect(truth.best.bits).to.deep.equal([3, 3, 3]);
    const before = tf.memory().numTensors;
    const agent = new PpoAgent(fastPpo, Rng.stream(11, 'agent'));
    const res = await search(agent, 200);
    expect(res.final.bits).to.deep.equal(truth.best.bits);
    // Learning concentrates the search: far fewer distinct assignments than episodes.
    expect(res.evaluations).to.be.lessThan(60);
    agent.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const run = async (seed: number): Promise<SearchResult> => {
      const agent = new PpoAgent({ ...fastPpo, hidden: 8 }, Rng.stream(seed, 'agent'));
      try { return await search(agent, 24); } finally { agent.dispose(); }
    };
    const [a, b, c] = [await run(1), await run(1), await run(2)];
    expect(a).to.deep.include({ evaluations: b.evaluations, cacheHits: b.cacheHits });
    expect(a.final).to.deep.equal(b.final);
    expect(a.pareto).to.deep.equal(b.pareto);
    expect([a.evaluations, a.cacheHits, a.final.bits]).to.not.deep.equal([c.evaluations, c.cacheHits, c.final.bits]);
  });

  it('save/load restores weights, optimizer, buffer and RNG: the copy acts and learns identically', async () => {
    const setup = { featureCount: 3, actionSpace: { kind: 'flexible' as const, size: 3, bitwidths: [2, 4, 8] }, stepsPerEpisode: 2, searchedLayers: [0, 1] };
    const episode = async (agent: PpoAgent, k: number): Promise<number[]> => {
      agent.startEpisode('sample', k);
      const a0 = agent.act({ episode: k, step: 0, layer: 0, features: Float32Array.from([k, 0.5, 0.1]), bits: [8, 8] }).action;
      const a1 = agent.act({ episode: k, step: 1, layer: 1, features: Float32Array.from([k, 0.2, 0.3]), bits: [8, 8] }).action;
      await agent.endEpisode({ episode: k, rewards: [0, a0 === 0 ? 1 : -0.5], bits: [8, 8], accuracy: 1 });
      return [a0, a1];
    };
    const opts = { ...fastPpo, hidden: 8, episodesPerUpdate: 3 };
    const a = new PpoAgent(opts, Rng.stream(1, 'agent'));
    await a.begin(setup);
    for (let k = 0; k < 4; k++) await episode(a, k); // one update done, one episode buffered
    const snap = await a.save();
    const b = new PpoAgent(opts, Rng.stream(99, 'other'));
    await b.begin(setup);
    await b.load(JSON.parse(JSON.stringify(snap)));
    const seqA: number[][] = [], seqB: number[][] = [];
    for (let k = 0; k < 8; k++) { seqA.push(await episode(a, k)); seqB.push(await episode(b, k)); }
    expect(seqB).to.deep.equal(seqA);
    const [wa, wb] = [await a.save(), await b.save()];
    expect(wb.arrays).to.deep.equal(wa.arrays);
    a.dispose(); b.dispose();
  });
});
