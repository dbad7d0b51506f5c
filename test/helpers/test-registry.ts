import { definePlugin, type AnyPluginDefinition } from '../../src/registry/plugin.js';
import { Registry } from '../../src/registry/registry.js';
import type { Agent, Evaluator, Reward, Tracker } from '../../src/registry/contracts/index.js';

const unused = (): never => { throw new Error('not used in config tests'); };

/** Small plugins with known schemas, so config tests do not depend on the built-ins. */
export const testPlugins: readonly AnyPluginDefinition[] = [
  definePlugin<'agent', { clip: number }>({
    kind: 'agent', name: 'ppo', description: 'test agent',
    optionsSchema: { type: 'object', additionalProperties: false, properties: { clip: { type: 'number', minimum: 0, maximum: 1, default: 0.3 } } },
    create: () => unused() as Agent,
  }) as AnyPluginDefinition,
  definePlugin<'agent', Record<string, never>>({
    kind: 'agent', name: 'random', description: 'test agent',
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    create: () => unused() as Agent,
  }) as AnyPluginDefinition,
  definePlugin<'evaluator', { file: string; missing: string }>({
    kind: 'evaluator', name: 'landscape', description: 'test evaluator',
    optionsSchema: {
      type: 'object', additionalProperties: false, required: ['file'],
      properties: { file: { type: 'string', releqPath: true }, missing: { enum: ['nearest', 'error'], default: 'nearest' } },
    },
    create: () => unused() as Evaluator,
  }) as AnyPluginDefinition,
  definePlugin<'evaluator', Record<string, never>>({
    kind: 'evaluator', name: 'needs-network', description: 'test evaluator that needs a network',
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    requires: ['network'],
    create: () => unused() as Evaluator,
  }) as AnyPluginDefinition,
  definePlugin<'reward', { a: number }>({
    kind: 'reward', name: 'releq', description: 'test reward',
    optionsSchema: { type: 'object', additionalProperties: false, properties: { a: { type: 'number', default: 0.8 } } },
    create: () => unused() as Reward,
  }) as AnyPluginDefinition,
  definePlugin<'tracker', Record<string, never>>({
    kind: 'tracker', name: 'mlflow', description: 'test tracker',
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    create: () => unused() as Tracker,
  }) as AnyPluginDefinition,
];

export function testRegistry(): Registry {
  const r = new Registry();
  for (const p of testPlugins) r.register(p);
  return r;
}
