import { definePlugin } from '../../src/registry/plugin.js';
import { ReleqError } from '../../src/errors.js';
import { flexibleLayers } from '../../src/search/baseline-setup.js';
import { BestEpisodeMemory } from '../../src/search/best-episode-memory.js';
import { checkSnapshotAgent } from '../../src/search/snapshot-kind.js';
import type {
  Agent, AgentDecision, AgentSetup, AgentSnapshot, EpisodeFeedback, EpisodeMode, StepObservation,
} from '../../src/registry/contracts/index.js';

export interface ExhaustiveAgentOptions {
  readonly limit: number;
}

/**
 * Tries every assignment of the searched layers once (in counting order), so on a landscape it
 * finds the true optimum of the reward; its deterministic rollout replays the best one. Refuses
 * spaces larger than `limit`.
 */
export class ExhaustiveAgent implements Agent {
  private layers: number[] = [];
  private position = new Map<number, number>();
  private choices = 0;
  private total = 0;
  private next = 0;
  /** Mode and proposal (bitwidth index per searched layer) of each open episode. */
  private readonly episodes = new Map<number, { mode: EpisodeMode; index: number; proposal: number[] }>();
  private readonly memory = new BestEpisodeMemory();

  constructor(private readonly options: ExhaustiveAgentOptions) {}

  async begin(setup: AgentSetup): Promise<void> {
    const { layers, choices } = flexibleLayers(setup, 'exhaustive');
    const total = choices ** layers.length;
    if (total > this.options.limit) {
      throw new ReleqError('config', `agent exhaustive would need ${choices}^${layers.length} = ${total.toExponential(3)} episodes, over its limit of ${this.options.limit}`, {
        hint: 'Raise agent.limit if you mean it, fix more layers (search.fixedLayers), offer fewer search.bitwidths, or use the ppo agent.',
      });
    }
    this.layers = layers;
    this.position = new Map(layers.map((l, i) => [l, i]));
    this.choices = choices;
    this.total = total;
    this.next = 0;
  }

  /** A sampled episode takes the next assignment in counting order as it starts. */
  startEpisode(mode: EpisodeMode, episode: number): void {
    this.memory.startEpisode(episode);
    const index = Math.min(this.next, this.total - 1);
    if (mode === 'sample') this.next++;
    let code = index;
    const proposal = this.layers.map(() => {
      const digit = code % this.choices;
      code = Math.floor(code / this.choices);
      return digit;
    }).reverse();
    this.episodes.set(episode, { mode, index, proposal });
  }

  /** Proposals never depend on rewards. */
  canOverlap(): boolean {
    return true;
  }

  act(observation: StepObservation): AgentDecision {
    const current = this.episodes.get(observation.episode)!;
    const replay = current.mode === 'greedy' ? this.memory.replay(observation.step) : undefined;
    const action = replay ?? current.proposal[this.position.get(observation.layer)!]!;
    this.memory.record(observation.episode, action);
    return { action };
  }

  async endEpisode(feedback: EpisodeFeedback): Promise<Readonly<Record<string, number>>> {
    const closed = this.episodes.get(feedback.episode);
    this.episodes.delete(feedback.episode);
    const sampled = closed?.mode === 'sample';
    this.memory.endEpisode(feedback, sampled);
    return sampled ? { remaining: this.total - closed.index - 1 } : {};
  }

  exhausted(): boolean {
    return this.next >= this.total;
  }

  async save(): Promise<AgentSnapshot> {
    return { json: { agent: 'exhaustive', next: this.next, memory: this.memory.toJson() }, arrays: {} };
  }

  async load(snapshot: AgentSnapshot): Promise<void> {
    const json = checkSnapshotAgent(snapshot.json, 'exhaustive') as { next: number; memory: unknown };
    this.next = json.next;
    this.memory.fromJson(json.memory);
  }

  dispose(): void {}
}

export const exhaustiveAgentPlugin = definePlugin<'agent', ExhaustiveAgentOptions>({
  kind: 'agent',
  name: 'exhaustive',
  description: 'Baseline: every assignment once (small spaces only); the true optimum on a landscape',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      limit: { type: 'integer', minimum: 1, default: 100000, description: 'Largest number of assignments it agrees to try' },
    },
  },
  create(options) {
    return new ExhaustiveAgent(options);
  },
});
