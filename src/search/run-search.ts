import { appendFile, mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ReleqError } from '../errors.js';
import type { Evaluator } from '../registry/contracts/index.js';
import type { Logger } from '../services/logger.js';
import { EPISODES_FILE, readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { QuantizationEnv } from './environment.js';
import { outcomeOf, playEpisode, type EpisodeOutcome, type PlayedEpisode } from './episode.js';
import { ParetoFront } from './pareto.js';
import { Scorer, type CachedEvaluation, type Scored } from './scorer.js';
import type { AssignmentResult, EpisodeRecord, SearchInput, SearchResult } from './types.js';

/** Lines of episodes.jsonl kept in memory before they are appended. */
const FLUSH_LINES = 100;

/** The MDP design a checkpoint belongs to: resuming under another design would mix two searches. */
function fingerprint(env: QuantizationEnv): string {
  const c = env.config;
  return JSON.stringify({
    network: env.problem.network, layers: env.problem.layers.map((l) => l.name), bitwidths: env.bitwidths,
    actions: c.actions, state: c.state, rewardTiming: c.rewardTiming, startBits: c.startBits,
    searched: env.searched, fixedBits: c.fixedBits, sweeps: c.sweeps ?? 1,
  });
}

/**
 * The ReLeQ search: sampled episodes until the budget (episodes, distinct evaluations, seconds) is
 * spent or the agent is exhausted, then deterministic rollouts whose best assignment is `final`.
 * Where the agent allows it, several episodes are played before the oldest is scored, so their
 * evaluations run at once on the evaluator's workers; they are closed in episode order.
 * Checkpoints every `checkpointEvery` episodes, at the end of sampling and on Ctrl-C (at an episode
 * boundary); `resume` continues from the checkpoint with the same result as an unbroken run.
 */
export async function runSearch(input: SearchInput): Promise<SearchResult> {
  const { agent, config, logger, signal, checkpointDir } = input;
  const env = new QuantizationEnv(input.problem, config);
  const scorer = new Scorer(env, input.evaluator, input.reward, input.costFn);
  const print = fingerprint(env);
  const started = Date.now();
  let priorSeconds = 0;
  let episode = 0;
  let checkpointEpisode = 0;
  const answerable = input.problem.bitwidthChoices;
  const unanswerable = answerable ? env.bitwidths.filter((b) => !answerable.includes(b)) : [];
  if (unanswerable.length > 0) {
    logger.warn(`search.bitwidths [${unanswerable.join(', ')}] are not among the evaluator's choices [${answerable!.join(', ')}]; its answers for them are estimates or errors`);
  }
  await agent.begin(env.setup());
  await mkdir(checkpointDir, { recursive: true });
  const episodesPath = join(checkpointDir, EPISODES_FILE);

  const checkpoint = input.resume ? await readCheckpoint(checkpointDir) : null;
  if (checkpoint) {
    if (checkpoint.fingerprint !== print) {
      throw new ReleqError('config', `the checkpoint in ${checkpointDir} belongs to another search design (network, layers, bitwidths, state, actions or reward timing differ)`, {
        hint: 'Resume with the configuration the run started with, or start a new run.',
      });
    }
    episode = checkpoint.episode;
    checkpointEpisode = episode;
    priorSeconds = checkpoint.wallSeconds;
    input.rng.setState(checkpoint.rng);
    for (const [key, value] of checkpoint.cache) scorer.cache.set(key, value);
    scorer.cacheHits = checkpoint.cacheHits;
    scorer.best = checkpoint.best;
    scorer.pareto = ParetoFront.from(checkpoint.pareto);
    try {
      await agent.load(checkpoint.agent);
    } catch (cause) {
      throw new ReleqError('config', `the agent state in ${checkpointDir} does not fit the configured agent: ${(cause as Error).message}`, {
        hint: 'Resume with the agent and options the run started with, or start a new run.',
        cause,
      });
    }
    await truncate(episodesPath, checkpoint.episodesBytes).catch(async () => writeFile(episodesPath, ''));
    logger.info(`resuming the search at episode ${episode} (${scorer.evaluations} evaluations cached)`);
  } else {
    if (input.resume) logger.info(`no checkpoint in ${checkpointDir}: starting the search afresh`);
    await writeFile(episodesPath, '');
  }

  let pending: string[] = [];
  let episodesBytes = checkpoint?.episodesBytes ?? 0;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    await appendFile(episodesPath, text);
    episodesBytes += Buffer.byteLength(text);
  };
  const wallSeconds = (): number => priorSeconds + (Date.now() - started) / 1000;
  const save = async (): Promise<void> => {
    await flush();
    await writeCheckpoint(checkpointDir, {
      version: 1, fingerprint: print, episode, wallSeconds: wallSeconds(), rng: input.rng.getState(),
      agent: await agent.save(), cache: [...scorer.cache.entries()], cacheHits: scorer.cacheHits,
      best: scorer.best, pareto: scorer.pareto.list(), episodesBytes, startAccuracy,
    });
    checkpointEpisode = episode;
  };

  // State_Accuracy of the starting assignment (all 8 bits), only when the state shows it; a resume
  // takes it from the checkpoint so the cache counters continue exactly.
  const startAccuracy = checkpoint?.startAccuracy
    ?? (config.state.features === 8 ? (await scorer.score(env.startBits())).stateAccuracy : 1);

  /** Closes a played episode with its final evaluation: agent feedback, record, callbacks. */
  const finish = async (played: PlayedEpisode, final: Scored): Promise<EpisodeOutcome> => {
    const outcome = outcomeOf(played, final);
    const f = outcome.final;
    const agentStats = await agent.endEpisode({ episode: played.episode, rewards: outcome.rewards, bits: f.bits, accuracy: f.accuracy });
    const record: EpisodeRecord = {
      episode: played.episode, mode: played.mode, reward: f.reward, episodeReturn: outcome.rewards.reduce((s, r) => s + r, 0),
      stateQuantization: f.stateQuantization, stateAccuracy: f.stateAccuracy, accuracy: f.accuracy, bits: f.bits,
      averageBits: f.averageBits, probabilities: outcome.probabilities, evaluations: scorer.evaluations,
      cacheHits: scorer.cacheHits, origin: f.origin, bestReward: scorer.best?.reward ?? f.reward, agentStats,
      wallSeconds: wallSeconds(),
    };
    pending.push(`${JSON.stringify(record)}\n`);
    if (pending.length >= FLUSH_LINES) await flush();
    await input.onEpisode?.(record);
    return outcome;
  };

  const interrupted = async (): Promise<SearchResult> => {
    logger.warn(`search interrupted after episode ${episode}; checkpoint written to ${checkpointDir} (resume to continue)`);
    await save();
    return result(scorer, scorer.best, episode, true, wallSeconds(), checkpointEpisode);
  };
  const cut = async (error: unknown, at: number): Promise<SearchResult> => {
    if (!signal.aborted) throw error;
    // Cut inside an evaluation: the last checkpoint stands, and the cut episodes rerun on resume.
    await flush();
    logger.warn(`search interrupted during episode ${at}; resume continues from the last checkpoint`);
    return result(scorer, scorer.best, episode, true, wallSeconds(), checkpointEpisode);
  };

  // Episodes played and awaiting their evaluation, oldest first; they are closed in this order.
  const open: Array<{ played: PlayedEpisode; evaluation: Promise<CachedEvaluation> }> = [];
  const window = episodeWindow(config, input.evaluator, logger);
  const mayStart = (): boolean => {
    const started = episode + open.length;
    if (open.length > 0) {
      if (open.length >= window || !(agent.canOverlap?.(open.length) ?? false)) return false;
      // Checkpoints fall on the same episodes as in a one-at-a-time search, with nothing open.
      if (config.checkpointEvery > 0 && started % config.checkpointEvery === 0) return false;
    }
    return started < input.episodes
      && (config.maxEvaluations === null || scorer.requested < config.maxEvaluations)
      && (config.maxSeconds === null || wallSeconds() < config.maxSeconds)
      && !(agent.exhausted?.() ?? false);
  };

  for (;;) {
    while (!signal.aborted && mayStart()) {
      const number = episode + open.length + 1;
      let played: PlayedEpisode;
      try {
        played = await playEpisode(env, agent, scorer, input.reward, 'sample', number, startAccuracy);
      } catch (error) {
        return cut(error, number);
      }
      open.push({ played, evaluation: scorer.request(played.bits) });
    }
    const head = open.shift();
    if (head === undefined) break;
    let evaluation: CachedEvaluation;
    try {
      evaluation = await head.evaluation;
    } catch (error) {
      return cut(error, head.played.episode);
    }
    await finish(head.played, scorer.commit(head.played.bits, evaluation));
    episode++;
    if (open.length === 0 && config.checkpointEvery > 0 && episode % config.checkpointEvery === 0 && !signal.aborted) await save();
  }
  if (signal.aborted) return interrupted();
  await save();

  let final: AssignmentResult | null = null;
  for (let i = 0; i < config.finalGreedyEpisodes; i++) {
    const played = await playEpisode(env, agent, scorer, input.reward, 'greedy', episode + i + 1, startAccuracy);
    const { final: f } = await finish(played, await scorer.score(played.bits));
    if (final === null || f.reward > final.reward) {
      final = { bits: f.bits, accuracy: f.accuracy, reward: f.reward, averageBits: f.averageBits, stateQuantization: f.stateQuantization };
    }
  }
  await flush();
  return result(scorer, final, episode, false, wallSeconds(), checkpointEpisode);
}

/**
 * How many sampled episodes may await their evaluations at once. Twice the evaluator's workers
 * keeps each worker fed while the oldest episode (closed first) is still running; per-step rewards
 * need each evaluation before the next action, so they play one episode at a time.
 */
function episodeWindow(config: SearchInput['config'], evaluator: Evaluator, logger: Logger): number {
  const asked = config.parallelEpisodes ?? 'auto';
  if (config.rewardTiming === 'step') {
    if (asked !== 'auto' && asked > 1) logger.warn(`search.parallelEpisodes ${asked} ignored: rewardTiming step evaluates after every action, one episode at a time`);
    return 1;
  }
  const workers = evaluator.parallelism?.() ?? 1;
  const window = asked === 'auto' ? (workers > 1 ? 2 * workers : 1) : asked;
  if (window > 1) logger.info(`search: up to ${window} episodes evaluated at once (${workers} evaluator workers)`);
  return window;
}

function result(scorer: Scorer, final: AssignmentResult | null, episodes: number, interrupted: boolean, wallSeconds: number, checkpointEpisode: number): SearchResult {
  const best = scorer.best;
  if (best === null) {
    throw new ReleqError('internal', 'the search ended before any assignment was evaluated', {
      hint: 'Give the search at least one episode (agent.episodes) or a larger budget.',
    });
  }
  return {
    best, final: final ?? best, pareto: scorer.pareto.list(), episodes,
    evaluations: scorer.evaluations, cacheHits: scorer.cacheHits, interrupted, checkpointEpisode, wallSeconds,
  };
}
