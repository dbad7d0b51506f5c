import type { AnyPluginDefinition } from '../../src/registry/plugin.js';
import { finetunePlugin } from './finetune.js';
import { landscapePlugin } from './landscape.js';

/** Built-in evaluators; add new ones to this list. */
export const evaluatorPlugins: readonly AnyPluginDefinition[] = [
  landscapePlugin as AnyPluginDefinition,
  finetunePlugin as AnyPluginDefinition,
];
