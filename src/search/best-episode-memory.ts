import type { EpisodeFeedback } from '../registry/contracts/index.js';

/**
 * Remembers the action sequence of the best sampled episode (by its last reward, which scores the
 * finished assignment under both reward timings), so that policy-free agents have a deterministic
 * rollout to offer at the end of a search.
 */
export class BestEpisodeMemory {
  private current: number[] = [];
  private best: { actions: number[]; reward: number } | null = null;

  startEpisode(): void {
    this.current = [];
  }

  record(action: number): void {
    this.current.push(action);
  }

  /** The best episode's action at `step`, or undefined when nothing was seen yet. */
  replay(step: number): number | undefined {
    return this.best?.actions[step];
  }

  endEpisode(feedback: EpisodeFeedback): void {
    const reward = feedback.rewards[feedback.rewards.length - 1] ?? -Infinity;
    if (this.best === null || reward > this.best.reward) this.best = { actions: [...this.current], reward };
  }

  toJson(): unknown {
    return this.best;
  }

  fromJson(json: unknown): void {
    this.best = json === null || json === undefined ? null : (json as { actions: number[]; reward: number });
  }
}
