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
import type { EpisodeRecord, SearchResult } from '../../src/search/types.js';
import { defaultSearchConfig, syntheticProblem } from '../search/fixtures.js';

const fast: PpoOptions = {
  clip: 0.3, valueCoef: 1, entropyCoef: 0.01, learningRate: 3e-3, gamma: 0.9, lambda: 1, temperature: 0.5,
  hidden: 24, trunk: 'lstm', episodesPerUpdate: 8, epochs: 4, minibatches: 1, normalizeAdvantages: true, maxGradNorm: 0.5,
};

async function search(agent: Agent, episodes: number, safe: number[], records: EpisodeRecord[] = []): Promise<SearchResult> {
  const { evaluator, problem } = await syntheticProblem(safe.length, safe);
  return runSearch({
    problem, evaluator, agent, reward: { compute: (i) => releqReward(i, { a: 0.8, b: 1, th: 0.4, minQuantization: 0.25 }) },
    config: defaultSearchConfig(), episodes, rng: Rng.stream(5, 'search'),
    checkpointDir: await mkdtemp(join(tmpdir(), 'releq-ppo-')), resume: false,
    signal: new AbortController().signal, logger: new MemoryLogger(), onEpisode: (r) => { records.push(r); },
  });
}

describe('PPO entropy floor', function () {
  this.timeout(60000);
  before(async () => { await tf.setBackend('cpu'); });

  it('reaches the optimum whose bitwidths differ per layer (the one exhaustive search proves) and ends off the uniform assignment', async () => {
    const safe = [4, 2, 5];
    const truth = await search(new ExhaustiveAgent({ limit: 1000 }), 1000, safe);
    expect(truth.best.bits).to.deep.equal([4, 2, 5]);
    const agent = new PpoAgent({ ...fast, targetEntropy: 0.5 }, Rng.stream(4, 'agent'));
    try {
      const res = await search(agent, 400, safe);
      expect(res.best.bits).to.deep.equal(truth.best.bits);
      // Fewer distinct evaluations than the 125 assignments: the policy concentrated, yet not on one bitwidth.
      expect(res.evaluations).to.be.lessThan(100);
      expect(new Set(res.final.bits).size).to.be.greaterThan(1);
    } finally { agent.dispose(); }
  });

  it('raises the entropy weight when the policy collapses, and leaves it fixed when off', async () => {
    const coefs = async (targetEntropy: number): Promise<number[]> => {
      const records: EpisodeRecord[] = [];
      const agent = new PpoAgent({ ...fast, targetEntropy }, Rng.stream(3, 'agent'));
      try { await search(agent, 160, [3, 3, 3], records); } finally { agent.dispose(); }
      return records.flatMap((r) => (r.agentStats.entropyCoef === undefined ? [] : [r.agentStats.entropyCoef]));
    };
    const off = await coefs(0), on = await coefs(0.6);
    expect(off.length).to.equal(20);
    expect(new Set(off)).to.deep.equal(new Set([0.01]));
    expect(Math.max(...on)).to.be.greaterThan(0.02);
    expect(Math.min(...on)).to.be.at.least(0.01);
  });

  it('checkpoints the adapted entropy weight: a loaded copy continues with it', async () => {
    const setup = { featureCount: 2, actionSpace: { kind: 'flexible' as const, size: 3, bitwidths: [2, 4, 8] }, stepsPerEpisode: 2, searchedLayers: [0, 1] };
    const opts = { ...fast, hidden: 8, episodesPerUpdate: 2, targetEntropy: 0.9, learningRate: 0.05 };
    const coefs = async (agent: PpoAgent, episodes: number): Promise<number[]> => {
      const out: number[] = [];
      for (let k = 0; k < episodes; k++) {
        agent.startEpisode('sample', k);
        const x = agent.act({ episode: k, step: 0, layer: 0, features: Float32Array.from([0, 1]), bits: [8, 8] }).action;
        agent.act({ episode: k, step: 1, layer: 1, features: Float32Array.from([1, 1]), bits: [8, 8] });
        const s = await agent.endEpisode({ episode: k, rewards: [0, x === 0 ? 1 : -1], bits: [8, 8], accuracy: 1 });
        if (s.entropyCoef !== undefined) out.push(s.entropyCoef);
      }
      return out;
    };
    const a = new PpoAgent(opts, Rng.stream(1, 'agent'));
    await a.begin(setup);
    await coefs(a, 12);
    const b = new PpoAgent(opts, Rng.stream(9, 'x'));
    await b.begin(setup);
    await b.load(JSON.parse(JSON.stringify(await a.save())));
    const [ca, cb] = [await coefs(a, 6), await coefs(b, 6)];
    expect(ca).to.have.length(3);
    expect(Math.min(...ca)).to.be.greaterThan(0.01);
    expect(cb).to.deep.equal(ca);
    a.dispose(); b.dispose();
  });
});
