import type { Bitwidths } from './layer-table.js';

/**
 * Flexible: action i sets the layer to bitwidths[i].
 * Restricted: actions 0/1/2 move the layer's bitwidth one step down / keep / one step up the ladder.
 */
export interface ActionSpace {
  readonly kind: 'flexible' | 'restricted';
  readonly size: number;
  readonly bitwidths: readonly number[];
}

export interface AgentSetup {
  /** Length of the state vector (8 or 7 in the paper's designs). */
  readonly featureCount: number;
  readonly actionSpace: ActionSpace;
  /** Decisions per episode (the searched layers). */
  readonly stepsPerEpisode: number;
  /** Indices of the searched layers in the layer table, in episode order. */
  readonly searchedLayers: readonly number[];
}

export interface StepObservation {
  /** The episode this step belongs to (1-based; see Agent.canOverlap). */
  readonly episode: number;
  /** 0-based step within the episode. */
  readonly step: number;
  /** Index of the layer this step decides, in the layer table. */
  readonly layer: number;
  readonly features: Float32Array;
  /** The assignment so far (layers not yet decided hold their starting bitwidth). */
  readonly bits: Bitwidths;
}

export interface AgentDecision {
  readonly action: number;
  /** Action probabilities, when the agent has a policy (logged as metrics). */
  readonly probabilities?: readonly number[];
  /** The value estimate, for agents with a critic. */
  readonly value?: number;
}

export interface EpisodeFeedback {
  /** The episode this feedback closes. */
  readonly episode: number;
  /** One reward per step (zeros before the last step when rewards come per episode). */
  readonly rewards: readonly number[];
  readonly bits: Bitwidths;
  readonly accuracy: number;
}

/** Mode of an episode: sample from the policy while searching, argmax for the final rollout. */
export type EpisodeMode = 'sample' | 'greedy';

/** Saved agent state: JSON for scalars and RNG, flat arrays for weights and optimizer slots. */
export interface AgentSnapshot {
  readonly json: unknown;
  readonly arrays: Readonly<Record<string, { readonly shape: readonly number[]; readonly values: readonly number[] }>>;
}

/**
 * Proposes an assignment layer by layer, episode after episode, and learns from rewards.
 * Knows nothing about the network's tensors: it sees the state vector only.
 *
 * Call order: episodes start in number order; an episode's `act` calls run back to back (never
 * interleaved with another episode's); `endEpisode` calls come in episode order. Several episodes
 * may be open at once (acted, awaiting their rewards) only while `canOverlap` allows it.
 */
export interface Agent {
  begin(setup: AgentSetup): Promise<void>;
  startEpisode(mode: EpisodeMode, episode: number): void;
  act(observation: StepObservation): AgentDecision;
  /**
   * Learns from the finished episode; returns training statistics to log (loss, entropy, ...).
   * Episodes started in 'greedy' mode are the final report: agents do not learn from them.
   */
  endEpisode(feedback: EpisodeFeedback): Promise<Readonly<Record<string, number>>>;
  /**
   * Whether a new sampled episode may start while `open` earlier ones still await their rewards,
   * so that the search evaluates them in parallel. Say yes only where the proposals of the new
   * episode cannot depend on those rewards (e.g. within one PPO update batch): then parallel
   * evaluation never changes the search's result. Absent: one episode at a time.
   */
  canOverlap?(open: number): boolean;
  /** True when the agent has nothing left to propose (an exhaustive search that is done). */
  exhausted?(): boolean;
  save(): Promise<AgentSnapshot>;
  load(snapshot: AgentSnapshot): Promise<void>;
  dispose(): void;
}

export type { Bitwidths };
