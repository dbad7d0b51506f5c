import { ReleqError } from '../errors.js';
import type { AdjustContext, Agent, EpisodeMode, Reward } from '../registry/contracts/index.js';
import type { QuantizationEnv } from './environment.js';
import type { Scored, Scorer } from './scorer.js';

/** An episode whose actions are all taken: the finished assignment awaits its final evaluation. */
export interface PlayedEpisode {
  readonly episode: number;
  readonly mode: EpisodeMode;
  /** The finished (and, for budget rewards, adjusted) assignment. */
  readonly bits: number[];
  /** Rewards of the steps before the last (zeros under per-episode timing). */
  readonly stepRewards: number[];
  readonly probabilities: number[][];
}

export interface EpisodeOutcome {
  /** The finished assignment, scored. */
  readonly final: Scored;
  /** One reward per step; zeros before the last under per-episode timing. */
  readonly rewards: number[];
  readonly probabilities: number[][];
}

/**
 * The acting part of one episode of the MDP: walk the searched layers and let the agent set each
 * one, evaluating after each step under rewardTiming: step. State_Accuracy starts from the accuracy
 * of the starting assignment and, per step, follows the latest evaluation; under per-episode timing
 * it stays at the starting accuracy (nothing is measured mid-episode — hence the 7-feature state)
 * and nothing here waits for an evaluation, so several episodes can be played before any is scored.
 */
export async function playEpisode(
  env: QuantizationEnv, agent: Agent, scorer: Scorer, reward: Reward, mode: EpisodeMode, episode: number, startAccuracy: number,
): Promise<PlayedEpisode> {
  agent.startEpisode(mode, episode);
  let bits = env.startBits();
  let stateAccuracy = startAccuracy;
  const stepRewards: number[] = [];
  const probabilities: number[][] = [];
  const T = env.stepLayers.length;
  for (let step = 0; step < T; step++) {
    const layer = env.stepLayers[step]!;
    const decision = agent.act({ episode, step, layer, features: env.features(layer, bits, stateAccuracy), bits });
    if (decision.probabilities) probabilities.push([...decision.probabilities]);
    bits = env.apply(bits, layer, decision.action);
    if (step === T - 1) break;
    if (env.config.rewardTiming === 'step') {
      const scored = await scorer.score(bits);
      stateAccuracy = scored.stateAccuracy;
      stepRewards.push(scored.reward);
    } else {
      stepRewards.push(0);
    }
  }
  if (reward.adjust) bits = [...await reward.adjust(bits, adjustContext(env, scorer))];
  if (bits.length !== env.layerCount) {
    throw new ReleqError('plugin', `reward.adjust returned ${bits.length} bitwidths for ${env.layerCount} layers`);
  }
  return { episode, mode, bits, stepRewards, probabilities };
}

/** The played episode with its final evaluation. */
export function outcomeOf(played: PlayedEpisode, final: Scored): EpisodeOutcome {
  return { final, rewards: [...played.stepRewards, final.reward], probabilities: played.probabilities };
}

/** One whole episode, played and scored. */
export async function runEpisode(
  env: QuantizationEnv, agent: Agent, scorer: Scorer, reward: Reward, mode: EpisodeMode, episode: number, startAccuracy: number,
): Promise<EpisodeOutcome> {
  const played = await playEpisode(env, agent, scorer, reward, mode, episode, startAccuracy);
  return outcomeOf(played, await scorer.score(played.bits));
}

export function adjustContext(env: QuantizationEnv, scorer: Scorer): AdjustContext {
  return {
    bitwidths: env.bitwidths,
    searched: env.searched,
    relativeCost: (b) => scorer.relativeCost(b),
  };
}
