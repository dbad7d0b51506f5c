import type { AnyPluginDefinition } from '../../src/registry/plugin.js';
import { cifar10Plugin } from './cifar10.js';
import { imagenetPlugin } from './imagenet.js';
import { mnistPlugin } from './mnist.js';
import { svhnDatasetPlugin } from './svhn.js';

export const datasetPlugins: readonly AnyPluginDefinition[] = [
  mnistPlugin as AnyPluginDefinition,
  cifar10Plugin as AnyPluginDefinition,
  svhnDatasetPlugin as AnyPluginDefinition,
  imagenetPlugin as AnyPluginDefinition,
];
