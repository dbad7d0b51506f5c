import { expect } from 'chai';
import { ReleqError } from '../../src/errors.js';
import { definePlugin, type AnyPluginDefinition } from '../../src/registry/plugin.js';
import { Registry } from '../../src/registry/registry.js';
import { createRootContainer, createRunContainer } from '../../src/registry/container.js';
import { pluginToken } from '../../src/registry/tokens.js';
import { MemoryLogger } from '../../src/services/logger.js';
import type { Reward } from '../../src/registry/contracts/index.js';
import type { ResolvedExperiment } from '../../src/runner/config/resolve.js';
import { SourceMap } from '../../src/runner/config/source-map.js';
import type { ExperimentConfig } from '../../src/runner/config/types.js';

let created = 0;
const reward = definePlugin<'reward', { scale: number }>({
  kind: 'reward', name: 'scaled', description: 'test',
  optionsSchema: { type: 'object', additionalProperties: false, properties: { scale: { type: 'number', default: 2 } } },
  create: (options, ctx): Reward => {
    created += 1;
    const r = ctx.rng('reward').next();
    return { compute: (input) => options.scale * input.stateAccuracy + 0 * r };
  },
}) as AnyPluginDefinition;

describe('registry', () => {
  it('refuses two plugins of one kind with one name', () => {
    const r = new Registry();
    r.register(reward);
    expect(() => r.register(reward, 'my.js')).to.throw(ReleqError, "Two reward plugins are named 'scaled' (built-in and my.js)");
  });

  it('refuses a plugin whose options schema is invalid', () => {
    const r = new Registry();
    const bad = { ...reward, name: 'bad', optionsSchema: { type: 'object', properties: { x: { type: 'nonsense' } } } } as AnyPluginDefinition;
    expect(() => r.register(bad)).to.throw(ReleqError, "The options schema of reward plugin 'bad'");
  });

  it('suggests the nearest name for an unknown plugin', () => {
    const r = new Registry();
    r.register(reward);
    expect(() => r.get('reward', 'scaeld')).to.throw(ReleqError, "Unknown reward plugin 'scaeld' (did you mean 'scaled'?)");
  });
});

describe('run container', () => {
  const experiment = (seed: number): ResolvedExperiment => ({
    config: { seed, reward: { name: 'scaled', scale: 3 }, hardware: [] } as unknown as ExperimentConfig,
    file: '/x/e.yaml', configDir: '/x', sources: new SourceMap(), hash: 'h',
  });
  const services = {
    paths: { configDir: '/x', dataDir: '/d', cacheDir: '/c', runDir: '/r' },
    backend: { ensure: () => Promise.reject(new Error('no backend in this test')) },
    signal: new AbortController().signal,
  };

  it('creates each plugin once per run, and separately for two runs', async () => {
    const registry = new Registry();
    registry.register(reward);
    const root = createRootContainer(registry, new MemoryLogger());
    created = 0;
    const runA = createRunContainer(root, experiment(1), services);
    const runB = createRunContainer(root, experiment(2), services);
    const a1 = await runA.getAsync<Reward>(pluginToken('reward'));
    const a2 = await runA.getAsync<Reward>(pluginToken('reward'));
    const b = await runB.getAsync<Reward>(pluginToken('reward'));
    expect(a1).to.equal(a2);
    expect(b).to.not.equal(a1);
    expect(created).to.equal(2);
    expect(a1.compute({ stateQuantization: 1, stateAccuracy: 0.5, bits: [] })).to.equal(1.5);
  });

  it('says which section is missing when a run asks for a kind the experiment does not set', async () => {
    const registry = new Registry();
    const root = createRootContainer(registry, new MemoryLogger());
    const run = createRunContainer(root, { ...experiment(1), config: { ...experiment(1).config, network: null } as ExperimentConfig }, services);
    try {
      await run.getAsync(pluginToken('network'));
      expect.fail('should have thrown');
    } catch (e) {
      expect(ReleqError.is(e) && e.message).to.equal('This run needs a network, but the experiment sets none');
    }
  });
});
