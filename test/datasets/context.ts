import { MemoryLogger } from '../../src/services/logger.js';
import { Rng } from '../../src/services/rng.js';
import type { PluginContext, PluginInstances } from '../../src/registry/plugin.js';
import { currentBackend, initBackend } from '../../src/backend/index.js';
import type { BackendInfo } from '../../src/registry/contracts/backend.js';

/** The backend already running in this test process, else single-thread wasm. */
export async function testBackend(): Promise<BackendInfo> {
  return (await currentBackend()) ?? initBackend('wasm', { threads: 1 });
}

/** A plugin context over temporary folders, with `use` answering from `instances`. */
export function testContext(dirs: { dataDir: string; cacheDir: string }, instances: Partial<PluginInstances> = {}, seed = 7): PluginContext & { logger: MemoryLogger } {
  const logger = new MemoryLogger();
  return {
    seed,
    rng: (stream: string) => Rng.stream(seed, stream),
    logger,
    paths: { configDir: dirs.dataDir, dataDir: dirs.dataDir, cacheDir: dirs.cacheDir, runDir: dirs.cacheDir },
    resolvePath: (p: string) => p,
    backend: testBackend,
    use: async <K extends keyof PluginInstances>(kind: K): Promise<PluginInstances[K]> => {
      const v = instances[kind];
      if (v === undefined) throw new Error(`test context has no ${kind}`);
      return v as PluginInstances[K];
    },
    signal: new AbortController().signal,
  } as PluginContext & { logger: MemoryLogger };
}
