import { Registry } from '../src/registry/registry.js';
import type { AnyPluginDefinition } from '../src/registry/plugin.js';
import { agentPlugins } from './agents/index.js';
import { datasetPlugins } from './datasets/index.js';
import { evaluatorPlugins } from './evaluators/index.js';
import { hardwarePlugins } from './hardware/index.js';
import { networkPlugins } from './networks/index.js';
import { quantizerPlugins } from './quantizers/index.js';
import { rewardPlugins } from './rewards/index.js';
import { trackerPlugins } from './trackers/index.js';

/** Every built-in plugin, by kind. */
export const BUILTIN_PLUGINS: readonly AnyPluginDefinition[] = [
  ...networkPlugins, ...datasetPlugins, ...quantizerPlugins, ...agentPlugins,
  ...rewardPlugins, ...evaluatorPlugins, ...hardwarePlugins, ...trackerPlugins,
];

/** A registry holding the built-ins; user plugins are added per experiment. */
export function createBuiltinRegistry(): Registry {
  const registry = new Registry();
  for (const definition of BUILTIN_PLUGINS) registry.register(definition);
  return registry;
}
