import type { Agent, Bitwidths, Evaluator, ProblemDescription, Reward } from '../registry/contracts/index.js';
import type { SearchConfig } from '../runner/config/types.js';
import type { Logger } from '../services/logger.js';
import type { Rng } from '../services/rng.js';

/** Everything one search needs; the runner builds it from the experiment. */
export interface SearchInput {
  readonly problem: ProblemDescription;
  readonly evaluator: Evaluator;
  readonly agent: Agent;
  readonly reward: Reward;
  readonly config: SearchConfig;
  /** Sampled (training) episodes; the final greedy rollouts come on top. */
  readonly episodes: number;
  /** The search's own stream (checkpointed with the rest). */
  readonly rng: Rng;
  /** Folder for checkpoint.json and episodes.jsonl. */
  readonly checkpointDir: string;
  /** Continue from checkpointDir when it holds a checkpoint. */
  readonly resume: boolean;
  /** Ctrl-C: the loop checkpoints at the next episode boundary and returns interrupted: true. */
  readonly signal: AbortSignal;
  onEpisode?(record: EpisodeRecord): void | Promise<void>;
  /** Cost of an assignment relative to all layers at 8 bits (a hardware target); default: average bits / 8. */
  costFn?(bits: Bitwidths): Promise<number>;
  readonly logger: Logger;
}

/** One scored assignment. */
export interface AssignmentResult {
  readonly bits: number[];
  readonly accuracy: number;
  readonly reward: number;
  readonly averageBits: number;
  readonly stateQuantization: number;
}

export interface ParetoPoint {
  readonly bits: number[];
  readonly accuracy: number;
  readonly averageBits: number;
}

export interface SearchResult {
  /** Highest-reward assignment evaluated during the search. */
  readonly best: AssignmentResult;
  /** The assignment of the deterministic (argmax) rollout at the end; `best` when interrupted. */
  readonly final: AssignmentResult;
  /** Accuracy vs average bits, non-dominated assignments, ascending average bits. */
  readonly pareto: ParetoPoint[];
  /** Sampled episodes completed (including those before a resume). */
  readonly episodes: number;
  /** Distinct assignments evaluated. */
  readonly evaluations: number;
  /** Evaluations answered from the search's cache. */
  readonly cacheHits: number;
  readonly interrupted: boolean;
  /** Episode of the last checkpoint written (0: none): a resume continues after it. */
  readonly checkpointEpisode: number;
  /** Wall time of the search, summed over resumed sessions. */
  readonly wallSeconds: number;
}

/** Per-episode metrics, for the tracker, the progress bar and episodes.jsonl. */
export interface EpisodeRecord {
  /** 1-based episode number; greedy rollouts continue the count. */
  readonly episode: number;
  readonly mode: 'sample' | 'greedy';
  /** Reward of the finished assignment (the last step's reward). */
  readonly reward: number;
  /** Sum of the step rewards. */
  readonly episodeReturn: number;
  readonly stateQuantization: number;
  readonly stateAccuracy: number;
  readonly accuracy: number;
  readonly bits: number[];
  readonly averageBits: number;
  /** Action probabilities per step, when the agent has a policy. */
  readonly probabilities: number[][];
  /** Distinct evaluations so far. */
  readonly evaluations: number;
  readonly cacheHits: number;
  /** Whether the evaluator recorded, estimated or measured this accuracy. */
  readonly origin: string;
  readonly bestReward: number;
  /** Agent training statistics (loss, entropy, ...), empty when it did not train this episode. */
  readonly agentStats: Readonly<Record<string, number>>;
  readonly wallSeconds: number;
}
