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
