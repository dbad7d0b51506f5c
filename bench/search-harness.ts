import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LandscapeEvaluator } from '../plugins/evaluators/landscape.js';
import { randomAgentPlugin } from '../plugins/agents/random.js';
import { ppoAgentPlugin } from '../plugins/agents/ppo.js';
import { releqRewardPlugin, type ReleqRewardOptions } from '../plugins/rewards/releq.js';
import { QuantizationEnv } from '../src/search/environment.js';
import { runSearch } from '../src/search/run-search.js';
import type { LandscapeFile } from '../src/search/landscape-file.js';
import type { SearchConfig } from '../src/runner/config/types.js';
import type { Agent, Bitwidths, Evaluation, Evaluator, Reward } from '../src/registry/contracts/index.js';
import type { PluginContext } from '../src/registry/plugin.js';
import { MemoryLogger } from '../src/services/logger.js';
import { Rng } from '../src/services/rng.js';

/** The paper's MDP defaults (the same as the experiment schema's). */
export const PAPER_SEARCH: SearchConfig = {
  bitwidths: [2, 3, 4, 5, 8], actions: 'flexible', state: { features: 8, quantization: 'mean' },
  rewardTiming: 'episode', startBits: 8, fixedLayers: 'none', fixedBits: 8, maxEvaluations: null,
  maxSeconds: null, finalGreedyEpisodes: 1, checkpointEvery: 0,
};

/** A plugin's options with every schema default filled (what a YAML with no options gets). */
export function schemaDefaults<O>(schema: object): O {
  const properties = (schema as { properties?: Record<string, { default?: unknown }> }).properties ?? {};
  return Object.fromEntries(Object.entries(properties).map(([k, p]) => [k, p.default])) as O;
}

export const releqDefaults = schemaDefaults<ReleqRewardOptions>(releqRewardPlugin.optionsSchema);

/** Keys of the recorded assignments whose normalised reward (R - R_worst) / (R_best - R_worst) ≥ level. */
export function levelSet(landscape: LandscapeFile, reward: Reward, config: SearchConfig, level = 0.98): Set<string> {
  const env = new QuantizationEnv({
    network: landscape.name, layers: landscape.layers, fullPrecisionAccuracy: landscape.fullPrecisionAccuracy,
    fixedLayers: [], fixedBits: 8,
  }, config);
  const scored = landscape.entries.map((e) => ({
    key: e.bits.join(','),
    r: reward.compute({
      stateQuantization: env.stateQuantization(e.bits), stateAccuracy: e.accuracy / landscape.fullPrecisionAccuracy, bits: e.bits,
    }),
  }));
  // reduce, not Math.max(...): a spread of a large landscape's entries overflows the call stack.
  const best = scored.reduce((m, s) => Math.max(m, s.r), -Infinity), worst = scored.reduce((m, s) => Math.min(m, s.r), Infinity);
  return new Set(scored.filter((s) => (s.r - worst) / (best - worst) >= level).map((s) => s.key));
}

/** Counts the evaluator's calls (distinct assignments, since the search caches) until a level hit. */
class LevelWatch implements Evaluator {
  calls = 0;
  firstHit: number | null = null;
  constructor(private readonly inner: LandscapeEvaluator, private readonly level: Set<string>) {}
  prepare = (): ReturnType<Evaluator['prepare']> => this.inner.prepare();
  async evaluate(bits: Bitwidths): Promise<Evaluation> {
    const e = await this.inner.evaluate(bits);
    this.calls++;
    if (this.firstHit === null && e.origin === 'recorded' && this.level.has(bits.join(','))) this.firstHit = this.calls;
    return e;
  }
  stats = (): ReturnType<Evaluator['stats']> => this.inner.stats();
  dispose = (): Promise<void> => this.inner.dispose();
}

export interface RunRow {
  landscape: string;
  agent: 'ppo' | 'random';
  seed: number;
  evaluationsTo98: number | null;
  reached98: boolean;
  finalBits: number[];
  finalAccuracy: number;
  averageBits: number;
  episodes: number;
  evaluations: number;
  wallSeconds: number;
  /** Wall seconds when episode 1000 ended (null for shorter runs). */
  secondsAt1000: number | null;
}

/** One search on a landscape with the agent's default options, as `releq run` would create it. */
export async function benchRun(
  landscape: LandscapeFile, name: string, agentName: 'ppo' | 'random', seed: number, episodes: number, budget: number,
  options: { untilReached?: boolean; ppo?: Record<string, unknown> } = {},
): Promise<RunRow> {
  const reward = releqRewardPlugin.create(releqDefaults, {} as PluginContext) as Reward;
  const watch = new LevelWatch(new LandscapeEvaluator(landscape, 'nearest', new MemoryLogger()), levelSet(landscape, reward, PAPER_SEARCH));
  const ctx = { rng: (s: string) => Rng.stream(seed, s) } as unknown as PluginContext;
  const agent: Agent = agentName === 'ppo'
    ? await ppoAgentPlugin.create({ ...schemaDefaults<object>(ppoAgentPlugin.optionsSchema), ...options.ppo } as never, ctx)
    : await randomAgentPlugin.create({}, ctx);
  const dir = await mkdtemp(join(tmpdir(), 'releq-bench-'));
  let secondsAt1000: number | null = null;
  // untilReached: past `episodes`, keep going until the level is reached (or the budget is spent),
  // then stop; the stop goes through the search's own interrupt path.
  const stop = new AbortController();
  try {
    const res = await runSearch({
      problem: await watch.prepare(), evaluator: watch, agent, reward,
      config: { ...PAPER_SEARCH, maxEvaluations: budget }, episodes: options.untilReached ? Number.MAX_SAFE_INTEGER : episodes,
      rng: Rng.stream(seed, 'search'), checkpointDir: dir, resume: false, signal: stop.signal, logger: new MemoryLogger(),
      onEpisode: (r) => {
        if (r.episode === 1000) secondsAt1000 = r.wallSeconds;
        if (options.untilReached && r.episode >= episodes && watch.firstHit !== null) stop.abort();
      },
    });
    return {
      landscape: name, agent: agentName, seed, evaluationsTo98: watch.firstHit, reached98: watch.firstHit !== null,
      finalBits: res.final.bits, finalAccuracy: res.final.accuracy, averageBits: res.final.averageBits,
      episodes: res.episodes, evaluations: res.evaluations, wallSeconds: res.wallSeconds, secondsAt1000,
    };
  } finally {
    agent.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Median with unreached runs counted at the budget (a lower bound on their true cost). */
export function censoredMedian(rows: readonly RunRow[], budget: number): number {
  const xs = rows.map((r) => r.evaluationsTo98 ?? budget).sort((a, b) => a - b);
  const m = xs.length >> 1;
  return xs.length % 2 ? xs[m]! : (xs[m - 1]! + xs[m]!) / 2;
}
