import { Registry } from '../../src/registry/registry.js';
import type { PluginContext } from '../../src/registry/plugin.js';
import type { Network, NetworkBuildOptions } from '../../src/registry/contracts/network.js';
import type { Quantizer } from '../../src/registry/contracts/quantizer.js';
import { networkPlugins } from '../../plugins/networks/index.js';
import { WrpnQuantizer } from '../../plugins/quantizers/wrpn.js';
import { DorefaQuantizer } from '../../plugins/quantizers/dorefa.js';
import { Rng } from '../../src/services/rng.js';
import { MemoryLogger } from '../../src/services/logger.js';

export const wrpn = new WrpnQuantizer({ oneBit: 'binary', activationClip: 1 });
export const dorefa = new DorefaQuantizer({ scale: 'unit', activationClip: 1 });

const registry = new Registry();
for (const p of networkPlugins) registry.register(p);

/** Only what the network plugins read from a context (the data directory, for mobilenet weights). */
function context(dataDir: string): PluginContext {
  const unused = (): never => { throw new Error('not used by network plugins'); };
  return {
    seed: 0,
    rng: (name) => Rng.stream(0, name),
    logger: new MemoryLogger(),
    paths: { configDir: dataDir, dataDir, cacheDir: dataDir, runDir: dataDir },
    resolvePath: (p) => p,
    backend: unused,
    use: unused,
    signal: new AbortController().signal,
  };
}

/** Validates `options` against the plugin's schema (filling defaults) and creates the network. */
export async function createNetwork(name: string, options: Record<string, unknown> = {}, dataDir = '.'): Promise<Network> {
  const entry = registry.get('network', name);
  const filled = structuredClone(options);
  if (!entry.validate(filled)) throw new Error(`invalid options for ${name}: ${JSON.stringify(entry.validate.errors)}`);
  return entry.definition.create(filled as never, context(dataDir)) as Network | Promise<Network>;
}

export function buildOptions(seed = 1, quantizer: Quantizer = dorefa, activationBits: number | null = null): NetworkBuildOptions {
  return { quantizer, seed, activationBits };
}
