import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSearch } from '../../src/search/run-search.js';
import type { EpisodeRecord, SearchResult } from '../../src/search/types.js';
import { PpoAgent } from '../../src/search/ppo/ppo-agent.js';
import { RandomAgent } from '../../plugins/agents/random.js';
import { ExhaustiveAgent } from '../../plugins/agents/exhaustive.js';
import { GreedyAgent } from '../../plugins/agents/greedy.js';
import { releqReward } from '../../plugins/rewards/releq.js';
import { Rng } from '../../src/services/rng.js';
import { MemoryLogger } from '../../src/services/logger.js';
import type { Agent, Bitwidths, Evaluation, Evaluator } from '../../src/registry/contracts/index.js';
import type { SearchConfig } from '../../src/runner/config/types.js';
import { defaultSearchConfig, syntheticProblem } from './fixtures.js';

/**
 * The synthetic landscape behind a worker-pool-like evaluator: answers arrive after a delay that
 * depends on the assignment (so out of request order), `parallelism()` says 2, and it records how
 * many evaluations were running at once. Aborting rejects what is running, as the fine-tune pool does.
 */
class SlowEvaluator implements Evaluator {
  running = 0;
  maxRunning = 0;
  calls = 0;
  constructor(private readonly inner: Evaluator, private readonly signal?: AbortSignal) {}
  prepare = () => this.inner.prepare();
  stats = () => this.inner.stats();
  dispose = () => this.inner.dispose();
  parallelism(): number { return 2; }
  async evaluate(bits: Bitwidths): Promise<Evaluation> {
    this.calls++;
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      const delay = bits.reduce((s, b, i) => s + b * (i + 3), 0) % 7;
      await new Promise<void>((resolve, reject) => {
        const abort = (): void => { clearTimeout(timer); reject(new Error('evaluation aborted')); };
        const timer = setTimeout(() => { this.signal?.removeEventListener('abort', abort); resolve(); }, delay);
        this.signal?.addEventListener('abort', abort, { once: true });
      });
      return await this.inner.evaluate(bits);
    } finally {
      this.running--;
    }
  }
}

type MakeAgent = () => Agent;
const agents: ReadonlyArray<readonly [string, MakeAgent]> = [
  ['random', () => new RandomAgent(Rng.stream(3, 'agent'))],
  ['ppo', () => new PpoAgent({
    clip: 0.3, valueCoef: 1, entropyCoef: 0.01, learningRate: 1e-3, gamma: 0.9, lambda: 1, temperature: 0.5,
    hidden: 8, trunk: 'lstm', episodesPerUpdate: 6, epochs: 2, minibatches: 2, normalizeAdvantages: true, maxGradNorm: 1,
  }, Rng.stream(3, 'agent'))],
  ['exhaustive', () => new ExhaustiveAgent({ limit: 1000 })],
];

interface Run { result: SearchResult; records: EpisodeRecord[]; dir: string; evaluator: SlowEvaluator; logger: MemoryLogger }

async function run(make: MakeAgent, opts: {
  config?: Partial<SearchConfig>; dir?: string; resume?: boolean; crashAt?: number; abortAt?: number; episodes?: number;
} = {}): Promise<Run> {
  const { evaluator: landscape, problem } = await syntheticProblem(3);
  const controller = new AbortController();
  const evaluator = new SlowEvaluator(landscape, controller.signal);
  const records: EpisodeRecord[] = [];
  const logger = new MemoryLogger();
  const agent = make();
  const dir = opts.dir ?? await mkdtemp(join(tmpdir(), 'releq-parallel-'));
  try {
    const result = await runSearch({
      problem, evaluator, agent, reward: { compute: (i) => releqReward(i, { a: 0.8, b: 1, th: 0.4, minQuantization: 0.25 }) },
      config: defaultSearchConfig({ checkpointEvery: 10, ...opts.config }), episodes: opts.episodes ?? 40,
      rng: Rng.stream(3, 'search'), checkpointDir: dir, resume: opts.resume ?? false, signal: controller.signal, logger,
      onEpisode: (r) => {
        records.push(r);
        if (r.episode === opts.crashAt) throw new Error('simulated crash');
        if (r.episode === opts.abortAt) controller.abort();
      },
    });
    return { result, records, dir, evaluator, logger };
  } finally {
    agent.dispose();
  }
}

const strip = (r: EpisodeRecord): unknown => ({ ...r, wallSeconds: 0 });
const lines = async (dir: string): Promise<unknown[]> =>
  (await readFile(join(dir, 'episodes.jsonl'), 'utf8')).trim().split('\n').map((l) => strip(JSON.parse(l) as EpisodeRecord));
const outcome = (r: SearchResult): unknown => ({ ...r, wallSeconds: 0 });

describe('parallel episodes', function () {
  this.timeout(60000);
  before(async () => { await tf.setBackend('cpu'); });

  for (const [name, make] of agents) {
    it(`${name}: evaluating several episodes at once gives exactly the one-at-a-time search`, async () => {
      const one = await run(make, { config: { parallelEpisodes: 1 } });
      const many = await run(make, { config: { parallelEpisodes: 'auto' } });
      expect(one.evaluator.maxRunning).to.equal(1);
      expect(many.evaluator.maxRunning).to.be.greaterThan(1);
      expect(many.logger.lines.some((l) => l.includes('up to 4 episodes evaluated at once'))).to.equal(true);
      expect(outcome(many.result)).to.deep.equal(outcome(one.result));
      expect(many.records.map(strip)).to.deep.equal(one.records.map(strip));
      expect(await lines(many.dir)).to.deep.equal(await lines(one.dir));
    });
  }

  it('an evaluation budget is never overshot by the episodes in flight', async () => {
    const make = agents[0]![1];
    const one = await run(make, { config: { parallelEpisodes: 1, maxEvaluations: 9 }, episodes: 200 });
    const many = await run(make, { config: { parallelEpisodes: 8, maxEvaluations: 9 }, episodes: 200 });
    expect(many.result.evaluations).to.equal(9);
    expect(many.evaluator.calls).to.equal(9);
    expect(outcome(many.result)).to.deep.equal(outcome(one.result));
  });

  it('an agent that learns from every episode (greedy) plays one at a time', async () => {
    const greedy = await run(() => new GreedyAgent({ tolerance: 0.005 }), { config: { parallelEpisodes: 8 } });
    expect(greedy.evaluator.maxRunning).to.equal(1);
    expect(greedy.result.episodes).to.be.greaterThan(3);
  });

  it('per-step rewards play one episode at a time, and say so when more were asked', async () => {
    const r = await run(agents[0]![1], { config: { parallelEpisodes: 4, rewardTiming: 'step' }, episodes: 10 });
    expect(r.evaluator.maxRunning).to.equal(1);
    expect(r.logger.lines.some((l) => l.includes('search.parallelEpisodes 4 ignored'))).to.equal(true);
  });

  for (const name of ['random', 'ppo']) {
    const make = agents.find(([n]) => n === name)![1];
    it(`${name}: a crash with episodes in flight, then resume, ends exactly like an unbroken search`, async () => {
      const whole = await run(make, { config: { parallelEpisodes: 4 } });
      const dir = await mkdtemp(join(tmpdir(), 'releq-parallel-'));
      let crashed = false;
      await run(make, { dir, crashAt: 17, config: { parallelEpisodes: 4 } }).catch((e: Error) => { crashed = e.message === 'simulated crash'; });
      expect(crashed).to.equal(true);
      const resumed = await run(make, { dir, resume: true, config: { parallelEpisodes: 4 } });
      expect(resumed.records[0]!.episode).to.equal(11); // the checkpoint of episode 10
      expect(outcome(resumed.result)).to.deep.equal(outcome(whole.result));
      expect(await lines(dir)).to.deep.equal(await lines(whole.dir));
    });
  }

  it('Ctrl-C cuts the evaluations in flight: the last checkpoint stands and resume completes the search', async () => {
    const make = agents[1]![1];
    const whole = await run(make, { config: { parallelEpisodes: 4 } });
    const dir = await mkdtemp(join(tmpdir(), 'releq-parallel-'));
    const cut = await run(make, { dir, abortAt: 13, config: { parallelEpisodes: 4 } });
    expect(cut.result.interrupted).to.equal(true);
    // Episodes whose answers were in before the cut are closed; a cut evaluation leaves checkpoint 10.
    expect(cut.result.episodes).to.be.within(13, 16);
    const resumed = await run(make, { dir, resume: true, config: { parallelEpisodes: 4 } });
    expect(cut.result.checkpointEpisode).to.be.oneOf([10, cut.result.episodes]);
    expect(resumed.records[0]!.episode).to.equal(cut.result.checkpointEpisode + 1);
    expect(outcome(resumed.result)).to.deep.equal(outcome(whole.result));
    expect(await lines(dir)).to.deep.equal(await lines(whole.dir));
  });
});
