import type { SchemaObject } from 'ajv';
import type { Rng } from '../services/rng.js';
import type { Logger } from '../services/logger.js';
import type { ExperimentConfig } from '../runner/config/types.js';
import type {
  Agent, BackendInfo, Dataset, Evaluator, HardwareTarget, Network, Quantizer, Reward, Tracker,
} from './contracts/index.js';

/** The eight plugin kinds, each behind one small interface in ./contracts. */
export interface PluginInstances {
  network: Network;
  dataset: Dataset;
  quantizer: Quantizer;
  agent: Agent;
  reward: Reward;
  evaluator: Evaluator;
  hardware: HardwareTarget;
  tracker: Tracker;
}
export type PluginKind = keyof PluginInstances;
export const PLUGIN_KINDS: readonly PluginKind[] = [
  'network', 'dataset', 'quantizer', 'agent', 'reward', 'evaluator', 'hardware', 'tracker',
];

/** Folders a run reads and writes. */
export interface RunPaths {
  /** Folder of the experiment file; relative paths in options resolve against it. */
  readonly configDir: string;
  /** Where data sets live and are downloaded to. */
  readonly dataDir: string;
  /** Checkpoints, decoded data and evaluation caches shared between runs. */
  readonly cacheDir: string;
  /** This run's own folder. */
  readonly runDir: string;
}

/** Services a plugin factory may use; everything a run shares comes through here. */
export interface PluginContext {
  readonly seed: number;
  /** A named random stream derived from the experiment seed. */
  rng(stream: string): Rng;
  readonly logger: Logger;
  readonly paths: RunPaths;
  /** Resolves a path from the experiment file against its folder. */
  resolvePath(path: string): string;
  /** Starts the configured tensor backend once per process and says which one runs. */
  backend(): Promise<BackendInfo>;
  /** The run's instance of another single-instance plugin kind (created once per run). */
  use<K extends Exclude<PluginKind, 'hardware'>>(kind: K): Promise<PluginInstances[K]>;
  /** Aborted on Ctrl-C: long work should stop at the next safe point. */
  readonly signal: AbortSignal;
  /**
   * The resolved experiment, for plugins that rebuild the run's plugins in worker threads (the
   * finetune evaluator: plugin refs, user plugin modules, backend, workers). Absent in bare contexts.
   */
  readonly experiment?: ExperimentConfig;
}

/**
 * A plugin: kind + name + options schema + factory. Options are plain JSON data, validated
 * (defaults filled) against `optionsSchema` before `create` sees them.
 */
export interface PluginDefinition<K extends PluginKind = PluginKind, O = unknown> {
  readonly kind: K;
  readonly name: string;
  /** One line for `releq list`. */
  readonly description: string;
  /** JSON Schema of the options object (without `name`); `additionalProperties: false` unless needed. */
  readonly optionsSchema: SchemaObject;
  /** Other single-instance kinds this plugin uses through `context.use` (checked before the run). */
  readonly requires?: readonly Exclude<PluginKind, 'hardware'>[];
  create(options: O, context: PluginContext): PluginInstances[K] | Promise<PluginInstances[K]>;
}

/** Identity helper that keeps a plugin's option type attached to its definition. */
export function definePlugin<K extends PluginKind, O>(definition: PluginDefinition<K, O>): PluginDefinition<K, O> {
  return definition;
}

/** A definition with its option type erased, as the registry stores it. */
export type AnyPluginDefinition = PluginDefinition<PluginKind, never>;
