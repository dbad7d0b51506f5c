import { ReleqError } from '../errors.js';
import type { AdjustContext, Agent, EpisodeMode, Reward } from '../registry/contracts/index.js';
import type { QuantizationEnv } from './environment.js';
import type { Scored, Scorer } from './scorer.js';

export interface EpisodeOutcome {
  /** The finished (and, for budget rewards, adjusted) assignment, scored. */
  readonly final: Scored;
  /** One reward per step; zeros before the last under per-episode timing. */
  readonly rewards: number[];
  readonly probabilities: number[][];
}

/**
 * One episode of the MDP: walk the searched layers, let the agent set each one, evaluate after each
 * step (rewardTiming: step) or once at the end (episode). State_Accuracy starts from the accuracy
 * of the starting assignment and, per step, follows the latest evaluation; under per-episode timing
 * it stays at the starting accuracy (nothing is measured mid-episode — hence the 7-feature state).
 */
export async function runEpisode(
  env: QuantizationEnv, agent: Agent, scorer: Scorer, reward: Reward, mode: EpisodeMode, startAccuracy: number,
): Promise<EpisodeOutcome> {
  agent.startEpisode(mode);
  let bits = env.startBits();
  let stateAccuracy = startAccuracy;
  const rewards: number[] = [];
  const probabilities: number[][] = [];
  const T = env.stepLayers.length;
  for (let step = 0; step < T; step++) {
    const layer = env.stepLayers[step]!;
    const decision = agent.act({ step, layer, features: env.features(layer, bits, stateAccuracy), bits });
    if (decision.probabilities) probabilities.push([...decision.probabilities]);
    bits = env.apply(bits, layer, decision.action);
    if (step === T - 1) break;
    if (env.config.rewardTiming === 'step') {
      const scored = await scorer.score(bits);
      stateAccuracy = scored.stateAccuracy;
      rewards.push(scored.reward);
    } else {
      rewards.push(0);
    }
  }
  if (reward.adjust) bits = [...await reward.adjust(bits, adjustContext(env, scorer))];
  if (bits.length !== env.layerCount) {
    throw new ReleqError('plugin', `reward.adjust returned ${bits.length} bitwidths for ${env.layerCount} layers`);
  }
  const final = await scorer.score(bits);
  rewards.push(final.reward);
  return { final, rewards, probabilities };
}

export function adjustContext(env: QuantizationEnv, scorer: Scorer): AdjustContext {
  return {
    bitwidths: env.bitwidths,
    searched: env.searched,
    relativeCost: (b) => scorer.relativeCost(b),
  };
}
