import type { AnyPluginDefinition } from '../../src/registry/plugin.js';
import { dorefaPlugin } from './dorefa.js';
import { wrpnPlugin } from './wrpn.js';

export const quantizerPlugins: readonly AnyPluginDefinition[] = [
  wrpnPlugin as AnyPluginDefinition,
  dorefaPlugin as AnyPluginDefinition,
];
