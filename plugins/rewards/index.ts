import type { AnyPluginDefinition } from '../../src/registry/plugin.js';
import { budgetRewardPlugin } from './budget.js';
import { linearRewardPlugin } from './linear.js';
import { releqRewardPlugin } from './releq.js';

/** Built-in rewards. */
export const rewardPlugins: readonly AnyPluginDefinition[] = [
  releqRewardPlugin as AnyPluginDefinition,
  linearRewardPlugin as AnyPluginDefinition,
  budgetRewardPlugin as AnyPluginDefinition,
];
