import { resolve } from 'node:path';
import type { PluginContext } from '../../src/registry/plugin.js';
import { MemoryLogger } from '../../src/services/logger.js';
import { Rng } from '../../src/services/rng.js';
import { createAjv } from '../../src/registry/ajv.js';
import type { AnyPluginDefinition } from '../../src/registry/plugin.js';
import type { HardwareTarget } from '../../src/registry/contracts/hardware.js';

/** A plugin context for hardware tests: files under `dir`, log lines kept in memory. */
export function testContext(dir: string, logger = new MemoryLogger()): PluginContext {
  return {
    seed: 1,
    rng: (stream) => Rng.stream(1, stream),
    logger,
    paths: { configDir: dir, dataDir: dir, cacheDir: dir, runDir: dir },
    resolvePath: (p) => resolve(dir, p),
    backend: () => Promise.reject(new Error('no backend in hardware tests')),
    use: () => Promise.reject(new Error('no plugins in hardware tests')),
    signal: new AbortController().signal,
  };
}

/** Validates options against the plugin's schema (filling defaults, as the core does) and creates it. */
export async function createTarget(
  def: AnyPluginDefinition, options: Record<string, unknown>, ctx: PluginContext,
): Promise<HardwareTarget> {
  const filled = structuredClone(options);
  const validate = createAjv().compile(def.optionsSchema);
  if (!validate(filled)) throw new Error(`invalid options: ${JSON.stringify(validate.errors)}`);
  return (await def.create(filled as never, ctx)) as HardwareTarget;
}
