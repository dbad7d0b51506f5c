import { definePlugin } from '../../src/registry/plugin.js';
import type { Rng } from '../../src/services/rng.js';
import { BestEpisodeMemory } from '../../src/search/best-episode-memory.js';
import { checkSnapshotAgent } from '../../src/search/snapshot-kind.js';
import type {
  Agent, AgentDecision, AgentSetup, AgentSnapshot, EpisodeFeedback, EpisodeMode, StepObservation,
} from '../../src/registry/contracts/index.js';

export type RandomAgentOptions = Record<string, never>;

/**
 * Uniform random search: every action equally likely at every step. It has no policy, so its
 * deterministic ("greedy") rollout replays the actions of the best episode it has seen.
 */
export class RandomAgent implements Agent {
  private actions = 0;
  /** Mode of each open episode. */
  private readonly modes = new Map<number, EpisodeMode>();
  private readonly memory = new BestEpisodeMemory();

  constructor(private readonly rng: Rng) {}

  async begin(setup: AgentSetup): Promise<void> {
    this.actions = setup.actionSpace.size;
  }

  startEpisode(mode: EpisodeMode, episode: number): void {
    this.modes.set(episode, mode);
    this.memory.startEpisode(episode);
  }

  /** Proposals never depend on rewards. */
  canOverlap(): boolean {
    return true;
  }

  act(observation: StepObservation): AgentDecision {
    const p = 1 / this.actions;
    const probabilities = new Array<number>(this.actions).fill(p);
    const replay = this.modes.get(observation.episode) === 'greedy' ? this.memory.replay(observation.step) : undefined;
    const action = replay ?? this.rng.int(this.actions);
    this.memory.record(observation.episode, action);
    return { action, probabilities };
  }

  async endEpisode(feedback: EpisodeFeedback): Promise<Readonly<Record<string, number>>> {
    this.memory.endEpisode(feedback, this.modes.get(feedback.episode) === 'sample');
    this.modes.delete(feedback.episode);
    return {};
  }

  async save(): Promise<AgentSnapshot> {
    return { json: { agent: 'random', rng: this.rng.getState(), memory: this.memory.toJson() }, arrays: {} };
  }

  async load(snapshot: AgentSnapshot): Promise<void> {
    const json = checkSnapshotAgent(snapshot.json, 'random') as { rng: ReturnType<Rng['getState']>; memory: unknown };
    this.rng.setState(json.rng);
    this.memory.fromJson(json.memory);
  }

  dispose(): void {}
}

export const randomAgentPlugin = definePlugin<'agent', RandomAgentOptions>({
  kind: 'agent',
  name: 'random',
  description: 'Uniform random search over the actions (the baseline every agent must beat)',
  optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
  create(_options, ctx) {
    return new RandomAgent(ctx.rng('agent'));
  },
});
