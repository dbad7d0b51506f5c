import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSearch } from '../../src/search/run-search.js';
import type { EpisodeRecord, SearchResult } from '../../src/search/types.js';
import { PpoAgent } from '../../src/search/ppo/ppo-agent.js';
import { RandomAgent } from '../../plugins/agents/random.js';
import { releqReward } from '../../plugins/rewards/releq.js';
import { Rng } from '../../src/services/rng.js';
import { MemoryLogger } from '../../src/services/logger.js';
import { ReleqError } from '../../src/errors.js';
import type { Agent } from '../../src/registry/contracts/index.js';
import type { SearchConfig } from '../../src/runner/config/types.js';
import { defaultSearchConfig, syntheticProblem } from './fixtures.js';

type MakeAgent = () => Agent;
const ppo: MakeAgent = () => new PpoAgent({
  clip: 0.3, valueCoef: 1, entropyCoef: 0.01, learningRate: 1e-3, gamma: 0.9, lambda: 1, temperature: 0.5,
  hidden: 8, trunk: 'lstm', episodesPerUpdate: 3, epochs: 2, minibatches: 2, normalizeAdvantages: true, maxGradNorm: 1,
}, Rng.stream(7, 'agent'));
const random: MakeAgent = () => new RandomAgent(Rng.stream(7, 'agent'));

interface Run { result: SearchResult; records: EpisodeRecord[]; dir: string }

async function run(make: MakeAgent, dir: string, opts: {
  resume?: boolean; crashAt?: number; abortAt?: number; config?: Partial<SearchConfig>; episodes?: number;
} = {}): Promise<Run> {
  const { evaluator, problem } = await syntheticProblem(3);
  const controller = new AbortController();
  const records: EpisodeRecord[] = [];
  const agent = make();
  try {
    const result = await runSearch({
      problem, evaluator, agent, reward: { compute: (i) => releqReward(i, { a: 0.8, b: 1, th: 0.4, minQuantization: 0.25 }) },
      config: defaultSearchConfig({ checkpointEvery: 5, ...opts.config }), episodes: opts.episodes ?? 30,
      rng: Rng.stream(7, 'search'), checkpointDir: dir, resume: opts.resume ?? false, signal: controller.signal,
      logger: new MemoryLogger(),
      onEpisode: (r) => {
        records.push(r);
        if (r.episode === opts.crashAt) throw new Error('simulated crash');
        if (r.episode === opts.abortAt) controller.abort();
      },
    });
    return { result, records, dir };
  } finally {
    agent.dispose();
  }
}

const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'releq-resume-'));
const lines = async (dir: string): Promise<EpisodeRecord[]> =>
  (await readFile(join(dir, 'episodes.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as EpisodeRecord);
const strip = (r: EpisodeRecord): unknown => ({ ...r, wallSeconds: 0 });

describe('search checkpoints and resume', function () {
  this.timeout(60000);
  before(async () => { await tf.setBackend('cpu'); });

  for (const [name, make] of [['random', random], ['ppo', ppo]] as const) {
    it(`${name}: a crash then resume ends exactly like an unbroken search`, async () => {
      const whole = await run(make, await tempDir());
      const dir = await tempDir();
      let crashed = false;
      await run(make, dir, { crashAt: 13 }).catch((e: Error) => { crashed = e.message === 'simulated crash'; });
      expect(crashed).to.equal(true);
      const resumed = await run(make, dir, { resume: true });
      expect(resumed.records[0]!.episode).to.equal(11); // the checkpoint of episode 10
      expect(resumed.result.final).to.deep.equal(whole.result.final);
      expect(resumed.result.best).to.deep.equal(whole.result.best);
      expect(resumed.result.pareto).to.deep.equal(whole.result.pareto);
      expect([resumed.result.evaluations, resumed.result.cacheHits, resumed.result.episodes])
        .to.deep.equal([whole.result.evaluations, whole.result.cacheHits, whole.result.episodes]);
      // episodes.jsonl holds each episode once, as in the unbroken run.
      expect((await lines(dir)).map(strip)).to.deep.equal((await lines(whole.dir)).map(strip));
    });
  }

  it('Ctrl-C (abort) checkpoints at the episode boundary and returns interrupted; resume completes it', async () => {
    const whole = await run(ppo, await tempDir());
    const dir = await tempDir();
    const cut = await run(ppo, dir, { abortAt: 7 });
    expect(cut.result.interrupted).to.equal(true);
    expect(cut.result.episodes).to.equal(7);
    expect(existsSync(join(dir, 'checkpoint.json'))).to.equal(true);
    const resumed = await run(ppo, dir, { resume: true });
    expect(resumed.result.interrupted).to.equal(false);
    expect(resumed.records[0]!.episode).to.equal(8);
    expect(resumed.result.final).to.deep.equal(whole.result.final);
  });

  it('refuses to resume a checkpoint of another search design, and starts afresh without one', async () => {
    const dir = await tempDir();
    await run(random, dir, { episodes: 5 });
    try {
      await run(random, dir, { resume: true, config: { actions: 'restricted' } });
      expect.fail('expected a ReleqError');
    } catch (error) {
      expect(ReleqError.is(error)).to.equal(true);
      expect((error as Error).message).to.contain('belongs to another search design');
    }
    const ppoDir = await tempDir();
    await run(ppo, ppoDir, { episodes: 3 });
    try {
      await run(random, ppoDir, { resume: true });
      expect.fail('expected a ReleqError');
    } catch (error) {
      expect((error as Error).message).to.contain('does not fit the configured agent');
    }
    const fresh = await run(random, await tempDir(), { resume: true, episodes: 5 });
    expect(fresh.records[0]!.episode).to.equal(1);
  });
});
