import type { AnyPluginDefinition } from '../../src/registry/plugin.js';
import { mlflowTrackerPlugin } from './mlflow.js';
import { noneTrackerPlugin } from './none.js';

export const trackerPlugins: readonly AnyPluginDefinition[] = [
  mlflowTrackerPlugin as AnyPluginDefinition,
  noneTrackerPlugin as AnyPluginDefinition,
];
