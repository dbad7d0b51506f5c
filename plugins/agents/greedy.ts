import { definePlugin } from '../../src/registry/plugin.js';
import { flexibleLayers } from '../../src/search/baseline-setup.js';
import { checkSnapshotAgent } from '../../src/search/snapshot-kind.js';
import type {
  Agent, AgentDecision, AgentSetup, AgentSnapshot, EpisodeFeedback, EpisodeMode, StepObservation,
} from '../../src/registry/contracts/index.js';

export interface GreedyAgentOptions {
  readonly tolerance: number;
}

interface GreedyState {
  /** Accepted bitwidth index per searched layer. */
  accepted: number[];
  /** Layers that cannot go lower without losing accuracy. */
  done: boolean[];
  /** Accuracy of the all-highest assignment (first episode), or null before it. */
  reference: number | null;
  /** Searched layer tried in the pending proposal, or -1 for the reference episode. */
  trying: number;
  /** Next layer to try (round-robin). */
  cursor: number;
}

/**
 * Greedy baseline: start with every searched layer at the highest bitwidth, then lower one layer
 * one step at a time, round-robin, keeping a step when the accuracy stays within `tolerance` of the
 * all-highest accuracy and freezing the layer otherwise. Deterministic; ends when no layer can move.
 */
export class GreedyAgent implements Agent {
  private layers: number[] = [];
  private position = new Map<number, number>();
  private s: GreedyState = { accepted: [], done: [], reference: null, trying: -1, cursor: 0 };
  private proposal: number[] = [];

  constructor(private readonly options: GreedyAgentOptions) {}

  async begin(setup: AgentSetup): Promise<void> {
    const { layers, choices } = flexibleLayers(setup, 'greedy');
    this.layers = layers;
    this.position = new Map(layers.map((l, i) => [l, i]));
    this.s = { accepted: layers.map(() => choices - 1), done: layers.map(() => false), reference: null, trying: -1, cursor: 0 };
  }

  startEpisode(mode: EpisodeMode): void {
    this.proposal = [...this.s.accepted];
    this.s.trying = -1;
    if (mode === 'greedy' || this.s.reference === null) return;
    const n = this.layers.length;
    for (let k = 0; k < n; k++) {
      const i = (this.s.cursor + k) % n;
      if (!this.s.done[i] && this.s.accepted[i]! > 0) {
        this.s.trying = i;
        this.s.cursor = (i + 1) % n;
        this.proposal[i] = this.s.accepted[i]! - 1;
        return;
      }
    }
  }

  act(observation: StepObservation): AgentDecision {
    return { action: this.proposal[this.position.get(observation.layer)!]! };
  }

  async endEpisode(feedback: EpisodeFeedback): Promise<Readonly<Record<string, number>>> {
    if (this.s.reference === null) {
      this.s.reference = feedback.accuracy;
    } else if (this.s.trying >= 0) {
      const i = this.s.trying;
      if (feedback.accuracy >= this.s.reference - this.options.tolerance) {
        this.s.accepted[i] = this.proposal[i]!;
        if (this.s.accepted[i] === 0) this.s.done[i] = true;
      } else {
        this.s.done[i] = true;
      }
    }
    return { frozenLayers: this.s.done.filter(Boolean).length };
  }

  exhausted(): boolean {
    return this.s.reference !== null && this.s.done.every((d, i) => d || this.s.accepted[i] === 0);
  }

  async save(): Promise<AgentSnapshot> {
    return { json: { agent: 'greedy', state: structuredClone(this.s) }, arrays: {} };
  }

  async load(snapshot: AgentSnapshot): Promise<void> {
    this.s = structuredClone(checkSnapshotAgent(snapshot.json, 'greedy').state as GreedyState);
  }

  dispose(): void {}
}

export const greedyAgentPlugin = definePlugin<'agent', GreedyAgentOptions>({
  kind: 'agent',
  name: 'greedy',
  description: 'Baseline: lower one layer one step at a time while the accuracy holds',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      tolerance: {
        type: 'number', minimum: 0, maximum: 1, default: 0.005,
        description: 'Largest accuracy drop (fraction, e.g. 0.005 = 0.5 points) below the all-highest-bitwidth accuracy that still "holds"',
      },
    },
  },
  create(options) {
    return new GreedyAgent(options);
  },
});
