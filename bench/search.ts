/**
 * npm run bench:search [-- landscape.json ...] [--seeds 5] [--episodes 2000] [--budget 3000] [--backend wasm|cpu]
 *
 * On each recorded landscape, PPO (paper defaults) and random search over several seeds: distinct
 * evaluations until the first recorded assignment at the normalised 98% reward level, the final
 * assignment, and the wall time of 1,000 PPO episodes. Writes bench/results/search.json.
 * PPO runs `--episodes` episodes (the paper's 2,000 for small networks); random search runs as many,
 * and past them until it reaches the level (its episodes cost nothing); both stop at `--budget`
 * distinct evaluations.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { readLandscape } from '../src/search/landscape-file.js';
import { benchRun, censoredMedian, type RunRow } from './search-harness.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

function landscapeFiles(): string[] {
  const flags = new Set(['--seeds', '--episodes', '--budget', '--backend', '--timing-episodes']);
  const given = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !flags.has(all[i - 1] ?? ''));
  if (given.length > 0) return given.map((f) => resolve(f));
  const dir = process.env.RELEQ_DATA_DIR ? join(process.env.RELEQ_DATA_DIR, 'landscapes') : resolve('../shared/data/landscapes');
  if (!existsSync(dir)) {
    console.error(`no landscape files given and ${dir} does not exist; pass files or set RELEQ_DATA_DIR`);
    process.exit(2);
  }
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => join(dir, f));
}

/** Busy share of all cores over an interval, from /proc/stat (null where it does not exist). */
function cpuTimes(): { busy: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const xs = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = xs[3]! + (xs[4] ?? 0);
    const total = xs.reduce((s, x) => s + x, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const seeds = Number(arg('seeds', '5'));
  const episodes = Number(arg('episodes', '2000'));
  const budget = Number(arg('budget', '3000'));
  const backend = arg('backend', 'wasm');
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend(backend);
  await tf.ready();
  const files = landscapeFiles();
  const rows: RunRow[] = [];
  const timings: Array<Record<string, unknown>> = [];
  const summary: Array<Record<string, unknown>> = [];
  console.log(`backend ${tf.getBackend()}, ${cpus().length} cores, load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const file of files) {
    const landscape = await readLandscape(file);
    const name = basename(file, '.json');
    for (const agent of ['ppo', 'random'] as const) {
      for (let seed = 1; seed <= seeds; seed++) {
        const before = cpuTimes();
        const load = loadavg()[0]!;
        const row = await benchRun(landscape, name, agent, seed, episodes, budget, { untilReached: agent === 'random' });
        rows.push(row);
        const after = cpuTimes();
        if (agent === 'ppo' && seed === 1) {
          const busy = before && after ? (after.busy - before.busy) / (after.total - before.total) : null;
          timings.push({
            landscape: name, episodes: 1000, wallSeconds: row.secondsAt1000, backend: tf.getBackend(),
            loadAverage1m: load, machineBusyShare: busy, cores: cpus().length,
          });
        }
        console.log(`${name} ${agent} seed ${seed}: to98 ${row.evaluationsTo98 ?? `>${row.evaluations}`} | final [${row.finalBits.join(',')}] `
          + `${(row.finalAccuracy * 100).toFixed(2)}% ${row.averageBits.toFixed(2)} bits | ${row.episodes} episodes, ${row.evaluations} evals, ${row.wallSeconds.toFixed(1)} s`);
      }
    }
    const ppo = rows.filter((r) => r.landscape === name && r.agent === 'ppo');
    const rnd = rows.filter((r) => r.landscape === name && r.agent === 'random');
    const t = timings.find((x) => x.landscape === name)!;
    const ppoMedian = censoredMedian(ppo, budget), randomMedian = censoredMedian(rnd, budget);
    summary.push({
      landscape: name, ppoMedianEvaluationsTo98: ppoMedian, randomMedianEvaluationsTo98: randomMedian,
      ppoReached: ppo.filter((r) => r.reached98).length, randomReached: rnd.filter((r) => r.reached98).length, seeds,
      targetHalfOfRandom: ppoMedian <= randomMedian / 2, targetAllSeeds: ppo.every((r) => r.reached98),
      seconds1000: t.wallSeconds, target1000Under20s: typeof t.wallSeconds === 'number' && t.wallSeconds <= 20,
    });
  }
  console.log('\nlandscape            | PPO median to98 | random median | PPO reached | ≤ half random | 1000 ep (s) | ≤ 20 s');
  for (const s of summary) {
    console.log(`${String(s.landscape).padEnd(20)} | ${String(s.ppoMedianEvaluationsTo98).padStart(15)} | ${String(s.randomMedianEvaluationsTo98).padStart(13)} | `
      + `${`${s.ppoReached}/${s.seeds}`.padStart(11)} | ${String(s.targetHalfOfRandom).padStart(13)} | ${Number(s.seconds1000).toFixed(1).padStart(11)} | ${s.target1000Under20s}`);
  }
  console.log(`(medians count unreached seeds at the budget of ${budget}; load average at end ${loadavg().map((x) => x.toFixed(2)).join(' ')})`);
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/search.json', `${JSON.stringify({
    generatedAt: new Date().toISOString(), backend: tf.getBackend(), seeds, ppoEpisodes: episodes, budget,
    rows: rows.map(({ landscape, agent, seed, evaluationsTo98, reached98, finalBits, finalAccuracy, averageBits, episodes: e, evaluations, wallSeconds }) =>
      ({ landscape, agent, seed, evaluationsTo98, reached98, finalBits, finalAccuracy, averageBits, episodes: e, evaluations, wallSeconds })),
    timings, summary,
  }, null, 2)}\n`);
  console.log('wrote bench/results/search.json');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
