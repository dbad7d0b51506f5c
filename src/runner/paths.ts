import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ExperimentConfig } from './config/types.js';

/** Data sets: --data-dir, then the experiment's dataDir, then $RELEQ_DATA_DIR, then ~/.cache/releq/data. */
export function resolveDataDir(config: ExperimentConfig, flag: string | undefined): string {
  if (flag !== undefined) return resolve(flag);
  if (config.dataDir !== null) return config.dataDir;
  const env = process.env['RELEQ_DATA_DIR'];
  if (env !== undefined && env !== '') return resolve(env);
  return join(homedir(), '.cache', 'releq', 'data');
}

/** Checkpoints and caches: --cache-dir, then cacheDir, then $RELEQ_CACHE_DIR, then ./.releq-cache. */
export function resolveCacheDir(config: ExperimentConfig, flag: string | undefined): string {
  if (flag !== undefined) return resolve(flag);
  if (config.cacheDir !== null) return config.cacheDir;
  const env = process.env['RELEQ_CACHE_DIR'];
  if (env !== undefined && env !== '') return resolve(env);
  return resolve('.releq-cache');
}
