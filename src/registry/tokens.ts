import type { PluginKind } from './plugin.js';

/** Injection tokens; each names the interface it resolves to. */
export const TOKENS = {
  Registry: Symbol.for('releq/Registry'),
  Logger: Symbol.for('releq/Logger'),
  Experiment: Symbol.for('releq/ResolvedExperiment'),
  Paths: Symbol.for('releq/RunPaths'),
  Backend: Symbol.for('releq/BackendService'),
  Signal: Symbol.for('releq/AbortSignal'),
  /** The hardware targets of a run, as a list (possibly empty). */
  HardwareTargets: Symbol.for('releq/HardwareTargets'),
} as const;

const pluginTokens = new Map<PluginKind, symbol>();

/** Token of a run's single instance of a plugin kind. */
export function pluginToken(kind: PluginKind): symbol {
  let token = pluginTokens.get(kind);
  if (token === undefined) {
    token = Symbol.for(`releq/plugin/${kind}`);
    pluginTokens.set(kind, token);
  }
  return token;
}
