import type { EpisodeFeedback } from '../registry/contracts/index.js';

/**
 * Remembers the action sequence of the best sampled episode (by its last reward, which scores the
 * finished assignment under both reward timings), so that policy-free agents have a deterministic
 * rollout to offer at the end of a search.
 */
export class BestEpisodeMemory {
  /** Actions of the episodes not yet closed, by episode number. */
  private readonly open = new Map<number, number[]>();
  private best: { actions: number[]; reward: number } | null = null;

  startEpisode(episode: number): void {
    this.open.set(episode, []);
  }

  record(episode: number, action: number): void {
    this.open.get(episode)?.push(action);
  }

  /** The best episode's action at `step`, or undefined when nothing was seen yet. */
  replay(step: number): number | undefined {
    return this.best?.actions[step];
  }

  /** Closes an episode; a sampled one becomes the best when its final reward beats the best so far. */
  endEpisode(feedback: EpisodeFeedback, sampled: boolean): void {
    const actions = this.open.get(feedback.episode) ?? [];
    this.open.delete(feedback.episode);
    if (!sampled) return;
    const reward = feedback.rewards[feedback.rewards.length - 1] ?? -Infinity;
    if (this.best === null || reward > this.best.reward) this.best = { actions, reward };
  }

  toJson(): unknown {
    return this.best;
  }

  fromJson(json: unknown): void {
    this.best = json === null || json === undefined ? null : (json as { actions: number[]; reward: number });
  }
}
