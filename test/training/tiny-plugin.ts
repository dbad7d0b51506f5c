// The tiny test network as a user plugin module, so pool workers can rebuild it by name.
import { definePlugin } from '../../src/registry/plugin.js';
import { tinyNetwork } from './tiny.js';

export default definePlugin<'network', Record<string, never>>({
  kind: 'network',
  name: 'tiny-test',
  description: 'conv 3x3x4 + dense 4 on 8x8x1 (tests only)',
  optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
  create: () => tinyNetwork,
});
