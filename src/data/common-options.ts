import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PluginContext } from '../registry/plugin.js';

/** Options every data set plugin shares. */
export interface SplitOptions {
  readonly validationFraction: number;
  /** null = the experiment seed. */
  readonly splitSeed: number | null;
  /** Keep N training / test images drawn by the split seed (null = all): quick runs and tests. */
  readonly trainLimit: number | null;
  readonly testLimit: number | null;
}

/** JSON Schema properties for SplitOptions (spread into each plugin's schema). */
export const splitOptionsSchema = {
  validationFraction: {
    type: 'number', minimum: 0, maximum: 0.9, default: 0.1,
    description: 'Share of the training set held out as the validation split the search measures on.',
  },
  splitSeed: {
    type: ['integer', 'null'], default: null,
    description: 'Seed of the validation split; null uses the experiment seed.',
  },
  trainLimit: {
    type: ['integer', 'null'], minimum: 1, default: null,
    description: 'Use N training images drawn by the split seed (before the split); null = all.',
  },
  testLimit: {
    type: ['integer', 'null'], minimum: 1, default: null,
    description: 'Use N test images drawn by the split seed; null = all.',
  },
} as const;

export function splitSeedOf(options: SplitOptions, ctx: PluginContext): number {
  return options.splitSeed ?? ctx.seed;
}

/** The first folder under the data directory that holds `probe` (a relative file or folder), or null. */
export function findFolder(dataDir: string, candidates: readonly string[], probe: (dir: string) => boolean): string | null {
  for (const c of candidates) {
    const dir = join(dataDir, c);
    if (existsSync(dir) && probe(dir)) return dir;
  }
  return null;
}

/** Memoises a loader so several consumers (evaluator, workers, reports) share one decoded copy. */
export function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () => {
    if (p === null) {
      p = fn();
      p.catch(() => { p = null; }); // a failed load may be retried after the user fixes the data
    }
    return p;
  };
}
