import type { AnyPluginDefinition } from '../../src/registry/plugin.js';
import { bitFusionPlugin } from './bitfusion.js';
import { bitSerialCpuPlugin } from './bit-serial-cpu.js';
import { loomPlugin } from './loom.js';
import { lutPlugin } from './lut.js';
import { stripesPlugin } from './stripes.js';

/** Built-in hardware targets. */
export const hardwarePlugins: readonly AnyPluginDefinition[] = [
  bitSerialCpuPlugin as AnyPluginDefinition,
  stripesPlugin as AnyPluginDefinition,
  loomPlugin as AnyPluginDefinition,
  bitFusionPlugin as AnyPluginDefinition,
  lutPlugin as AnyPluginDefinition,
];
