import type { AnyPluginDefinition } from '../../src/registry/plugin.js';
import { cifar10Plugin } from './cifar10.js';
import { imagenetPlugin } from './imagenet.js';
import { mnistPlugin } from './mnist.js';
import { svhnPlugin } from './svhn.js';

export const datasetPlugins: readonly AnyPluginDefinition[] = [
  mnistPlugin as AnyPluginDefinition,
  cifar10Plugin as AnyPluginDefinition,
  svhnPlugin as AnyPluginDefinition,
  imagenetPlugin as AnyPluginDefinition,
];
