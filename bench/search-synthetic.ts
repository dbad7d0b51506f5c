/**
 * npx tsx bench/search-synthetic.ts OUT_DIR [--layers 3,5,6,7,8] [--seed 1]
 *
 * Writes complete synthetic landscapes in the recorded format (one JSON file per layer count), so
 * that bench/search.ts can check the PPO defaults on networks they were never tuned on:
 * every layer l has its own "safe" bitwidth t_l and sensitivity s_l, and the accuracy is
 *   fp - sum_l s_l * (1.5 * max(0, t_l - b_l)^1.6 + 0.005 * (8 - b_l)) + noise(0.15),
 * so the optimum differs from layer to layer. 8 layers give 5^8 = 390,625 entries (about 22 MB).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Rng } from '../src/services/rng.js';

const BITS = [2, 3, 4, 5, 8];

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)]!;
}

export function syntheticLandscape(layers: number, seed: number, fp = 90): Record<string, unknown> {
  const rng = Rng.stream(seed, `synthetic-${layers}`);
  const safe = Array.from({ length: layers }, () => pick(rng, [2, 3, 3, 4, 4, 5]));
  const sens = Array.from({ length: layers }, () => 0.3 + 2.7 * rng.next());
  const layerTable = Array.from({ length: layers }, (_, l) => ({
    name: `l${l}`, n: pick(rng, [8, 16, 32, 64, 128, 256]), c: pick(rng, [1, 3, 16, 64, 256]),
    k: pick(rng, [0, 3, 5]), weightStd: Math.round((0.01 + 0.29 * rng.next()) * 1e4) / 1e4,
  }));
  const entries: Array<{ bits: number[]; accuracy: number }> = [];
  const total = BITS.length ** layers;
  for (let code = 0; code < total; code++) {
    const bits: number[] = [];
    for (let l = 0, c = code; l < layers; l++, c = Math.floor(c / BITS.length)) bits.unshift(BITS[c % BITS.length]!);
    let drop = 0;
    bits.forEach((b, l) => { drop += sens[l]! * (1.5 * Math.max(0, safe[l]! - b) ** 1.6 + 0.005 * (8 - b)); });
    const accuracy = Math.min(fp + 0.3, Math.max(5, fp - drop + 0.15 * rng.normal()));
    entries.push({ bits, accuracy: Math.round(accuracy * 1000) / 1000 });
  }
  return {
    name: `synthetic-${layers}`, network: `synthetic ${layers}-layer`, dataset: 'synthetic',
    layers: layerTable.map((t) => t.name), layerTable, fullPrecisionAccuracy: fp, bitwidthChoices: BITS,
    accuracy: 'synthetic: fp - sum_l s_l * (1.5 * max(0, t_l - b_l)^1.6 + 0.005 * (8 - b_l)) + noise',
    source: `bench/search-synthetic.ts seed ${seed}: safe ${JSON.stringify(safe)}, sensitivity ${JSON.stringify(sens.map((s) => Math.round(s * 100) / 100))}`,
    complete: true, entries,
  };
}

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out || out.startsWith('--')) {
    console.error('usage: npx tsx bench/search-synthetic.ts OUT_DIR [--layers 3,5,6,7,8] [--seed 1]');
    process.exit(2);
  }
  const flag = (name: string, fallback: string): string => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] ?? fallback : fallback;
  };
  const layerCounts = flag('layers', '3,5,6,7,8').split(',').map(Number);
  const seed = Number(flag('seed', '1'));
  await mkdir(resolve(out), { recursive: true });
  for (const layers of layerCounts) {
    if (!Number.isInteger(layers) || layers < 1 || layers > 8) throw new Error(`--layers takes counts in 1..8 (got ${layers})`);
    const file = join(resolve(out), `synthetic-${layers}.json`);
    const landscape = syntheticLandscape(layers, seed);
    await writeFile(file, JSON.stringify(landscape));
    console.log(`${file}: ${(landscape.entries as unknown[]).length} entries, ${landscape.source as string}`);
  }
}

if (process.argv[1]?.endsWith('search-synthetic.ts') || process.argv[1]?.endsWith('search-synthetic.js')) {
  main().catch((error) => { console.error(error); process.exitCode = 1; });
}
