/**
 * The seven networks of the paper. Each builds a QuantizedModel (src/models) whose layer table
 * lists the quantizable layers in network order; layer names are stable across builds. Models start
 * at 32 bits everywhere and output logits.
 */
import type { AnyPluginDefinition } from '../../src/registry/plugin.js';
import { alexnetPlugin } from './alexnet.js';
import { lenetPlugin } from './lenet.js';
import { mobilenetPlugin } from './mobilenet.js';
import { resnet20Plugin } from './resnet20.js';
import { simplenetPlugin } from './simplenet.js';
import { svhnPlugin } from './svhn.js';
import { vgg11Plugin } from './vgg11.js';

export const networkPlugins: readonly AnyPluginDefinition[] = [
  lenetPlugin as AnyPluginDefinition,
  simplenetPlugin as AnyPluginDefinition,
  svhnPlugin as AnyPluginDefinition,
  vgg11Plugin as AnyPluginDefinition,
  resnet20Plugin as AnyPluginDefinition,
  alexnetPlugin as AnyPluginDefinition,
  mobilenetPlugin as AnyPluginDefinition,
];
