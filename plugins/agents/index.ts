import type { AnyPluginDefinition } from '../../src/registry/plugin.js';
import { exhaustiveAgentPlugin } from './exhaustive.js';
import { greedyAgentPlugin } from './greedy.js';
import { ppoAgentPlugin } from './ppo.js';
import { randomAgentPlugin } from './random.js';

/** Built-in agents. */
export const agentPlugins: readonly AnyPluginDefinition[] = [
  ppoAgentPlugin as AnyPluginDefinition,
  randomAgentPlugin as AnyPluginDefinition,
  greedyAgentPlugin as AnyPluginDefinition,
  exhaustiveAgentPlugin as AnyPluginDefinition,
];
