import type { BackendChoice } from '../../registry/contracts/index.js';

/**
 * A plugin reference as written in YAML: `{name: ppo, ...options}` or just `ppo`.
 * After resolution it is always the object form with the plugin's defaults filled.
 */
export interface PluginRef {
  readonly name: string;
  readonly [option: string]: unknown;
}

/** The agent reference also carries the episode budget, which every agent shares. */
export interface AgentRef extends PluginRef {
  readonly episodes: number;
}

/** The MDP and budget design choices (the paper's ablation axes). */
export interface SearchConfig {
  /** Bitwidth choices, ascending (flexible actions pick one; restricted actions step along them). */
  readonly bitwidths: readonly number[];
  readonly actions: 'flexible' | 'restricted';
  readonly state: {
    /** 8 = with State_Accuracy; 7 = without (accuracy only measured at the end of an episode). */
    readonly features: 7 | 8;
    /** State_Quantization as a plain mean of bitwidths or weighted by parameter count. */
    readonly quantization: 'mean' | 'weighted';
  };
  /** Evaluate after every layer (step) or once at the end of the episode. */
  readonly rewardTiming: 'step' | 'episode';
  /** Bitwidth every layer starts an episode with. */
  readonly startBits: number;
  /** 'default' = the network's own choice; 'none'; or explicit layer indices kept at fixedBits. */
  readonly fixedLayers: 'default' | 'none' | readonly number[];
  readonly fixedBits: number;
  /** Stop after this many distinct evaluations (null = no limit). */
  readonly maxEvaluations: number | null;
  /** Stop after this many seconds of search (null = no limit). */
  readonly maxSeconds: number | null;
  /** Deterministic (argmax) rollouts after the search, whose assignment is the result. */
  readonly finalGreedyEpisodes: number;
  /** Write a resumable checkpoint every N episodes (0 = only at the end / on Ctrl-C). */
  readonly checkpointEvery: number;
  /**
   * Passes over the searched layers per episode (default 1). Restricted actions move a layer one
   * ladder step per visit, so several sweeps let them reach the low bitwidths.
   */
  readonly sweeps?: number;
  /**
   * Sampled episodes evaluated at once (default 'auto': twice the evaluator's worker count, 1 for
   * a single worker). Agents allow it only where it cannot change what they propose, so the
   * result does not depend on it; per-step rewards always play one episode at a time.
   */
  readonly parallelEpisodes?: number | 'auto';
}

/** The fully resolved experiment: defaults filled, `extends` merged, overrides applied. */
export interface ExperimentConfig {
  readonly name: string;
  readonly seed: number;
  /** User plugin modules, resolved to absolute paths. */
  readonly plugins: readonly string[];
  readonly backend: BackendChoice;
  /** Worker threads for evaluations: a count or 'auto' (the core count). */
  readonly workers: number | 'auto';
  readonly dataDir: string | null;
  readonly cacheDir: string | null;
  /** Folder that holds one folder per run. */
  readonly runsDir: string;
  readonly network: PluginRef | null;
  readonly dataset: PluginRef | null;
  readonly quantizer: PluginRef | null;
  readonly evaluator: PluginRef;
  readonly agent: AgentRef;
  readonly reward: PluginRef;
  readonly hardware: readonly PluginRef[];
  /** Cost every evaluated assignment on the hardware targets, not only the final one. */
  readonly costEveryEvaluation: boolean;
  readonly tracker: PluginRef;
  readonly search: SearchConfig;
}
