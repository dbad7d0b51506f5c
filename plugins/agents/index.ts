import type { AnyPluginDefinition } from '../../src/registry/plugin.js';
import { randomAgentPlugin } from './random.js';

/** Built-in agents. */
export const agentPlugins: readonly AnyPluginDefinition[] = [
  randomAgentPlugin as AnyPluginDefinition,
];
