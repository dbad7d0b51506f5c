// npm run bench:evaluator [-- --quick] [-- --networks=lenet,simplenet] [-- --evaluations=6] [-- --search-evaluations=16]
// Fine-tune evaluations per minute at the evaluator's default budget, with 1 and 2 workers, and a
// PPO search on LeNet with 2 workers playing one episode at a time vs. several at once;
// writes bench/results/evaluator.json.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cifar10Plugin } from '../plugins/datasets/cifar10.js';
import { mnistPlugin } from '../plugins/datasets/mnist.js';
import { finetunePlugin } from '../plugins/evaluators/finetune.js';
import { lenetPlugin } from '../plugins/networks/lenet.js';
import { simplenetPlugin } from '../plugins/networks/simplenet.js';
import { wrpnPlugin } from '../plugins/quantizers/wrpn.js';
import { initBackend } from '../src/backend/index.js';
import { createAjv } from '../src/registry/ajv.js';
import type { Evaluator } from '../src/registry/contracts/index.js';
import type { AnyPluginDefinition, PluginContext, PluginInstances } from '../src/registry/plugin.js';
import type { ExperimentConfig } from '../src/runner/config/types.js';
import { ConsoleLogger } from '../src/services/logger.js';
import { Rng } from '../src/services/rng.js';
import { ppoAgentPlugin } from '../plugins/agents/ppo.js';
import { releqReward } from '../plugins/rewards/releq.js';
import { runSearch } from '../src/search/run-search.js';
import type { SearchConfig } from '../src/runner/config/types.js';
import { LoadProbe, machineLine } from './lib/load.js';

const argv = process.argv.slice(2);
const arg = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = argv.includes('--quick');
const evaluations = Number(arg('evaluations') ?? (quick ? 2 : 6));
const networks = (arg('networks') ?? 'lenet,simplenet').split(',');
const searchEvaluations = Number(arg('search-evaluations') ?? (quick ? 8 : 16));
const dataDir = path.resolve(arg('data-dir') ?? process.env['RELEQ_DATA_DIR'] ?? '../shared/data');
const cacheDir = path.resolve(arg('cache-dir') ?? process.env['RELEQ_CACHE_DIR'] ?? '.releq-cache');

/** Each network with its data set; SimpleNet pretrains 1 epoch here (throughput does not depend on it). */
const SETUPS: Record<string, { network: AnyPluginDefinition; dataset: AnyPluginDefinition; datasetName: string; pretrain: Record<string, unknown> }> = {
  lenet: { network: lenetPlugin as AnyPluginDefinition, dataset: mnistPlugin as AnyPluginDefinition, datasetName: 'mnist', pretrain: {} },
  simplenet: { network: simplenetPlugin as AnyPluginDefinition, dataset: cifar10Plugin as AnyPluginDefinition, datasetName: 'cifar10', pretrain: { epochs: 1 } },
};

function filled(def: AnyPluginDefinition, options: Record<string, unknown>): Record<string, unknown> {
  const o = structuredClone(options);
  if (!createAjv().compile(def.optionsSchema)(o)) throw new Error(`bad options for ${def.name}`);
  return o;
}

async function makeEvaluator(name: string, workers: number): Promise<{ ev: Evaluator; budget: string }> {
  const s = SETUPS[name]!;
  const logger = new ConsoleLogger('warn');
  const netOptions = filled(s.network, {});
  const dataOptions = filled(s.dataset, {});
  const quantOptions = filled(wrpnPlugin as AnyPluginDefinition, {});
  const evalOptions = filled(finetunePlugin as AnyPluginDefinition, { workers, cache: false, pretrain: s.pretrain });
  const instances: Partial<PluginInstances> = {};
  const experiment = {
    plugins: [], backend: 'wasm', workers,
    network: { name, ...netOptions }, quantizer: { name: 'wrpn', ...quantOptions },
  } as unknown as ExperimentConfig;
  const ctx: PluginContext = {
    seed: 1, rng: (stream) => Rng.stream(1, stream), logger,
    paths: { configDir: process.cwd(), dataDir, cacheDir, runDir: os.tmpdir() },
    resolvePath: (p) => path.resolve(p),
    backend: () => initBackend('wasm'),
    use: async <K extends keyof PluginInstances>(kind: K) => instances[kind] as PluginInstances[K],
    signal: new AbortController().signal,
    experiment,
  };
  instances.network = await s.network.create(netOptions as never, ctx) as PluginInstances['network'];
  instances.dataset = await s.dataset.create(dataOptions as never, ctx) as PluginInstances['dataset'];
  instances.quantizer = await wrpnPlugin.create(quantOptions as never, ctx);
  const ev = await finetunePlugin.create(evalOptions as never, ctx) as Evaluator;
  const ft = (evalOptions['finetune'] as { epochs: number; batchSize: number; learningRate: number });
  return { ev, budget: `${ft.epochs} epoch, batch ${ft.batchSize}, lr ${ft.learningRate}` };
}

interface Row {
  network: string; workers: number; budget: string; evaluationsPerMinute: number; secondsPerEvaluation: number;
  /** CPU time this process (all its threads) spent per evaluation: what an idle machine would need. */
  cpuSecondsPerEvaluation: number; otherCoresBusy: number; meanAccuracy: number;
}
const rows: Row[] = [];
const speedups: { network: string; secondWorkerSpeedup: number }[] = [];

console.log(machineLine());
for (const name of networks) {
  const perMinute: number[] = [];
  for (const workers of [1, 2]) {
    const { ev, budget } = await makeEvaluator(name, workers);
    const problem = await ev.prepare();
    // The same random assignments for both worker counts (the cache is off, so nothing is reused):
    // fine-tunes that diverge stop early, so another list would time other work.
    const rng = Rng.stream(1, `bench/${name}`);
    const choices = [2, 3, 4, 5, 8];
    const list = Array.from({ length: evaluations }, () => problem.layers.map(() => choices[rng.int(choices.length)]!));
    if (workers === 2) await Promise.all([ev.evaluate(problem.layers.map(() => 8)), ev.evaluate(problem.layers.map(() => 4))]); // warm both workers
    else await ev.evaluate(problem.layers.map(() => 8));
    const probe = new LoadProbe();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const results = await Promise.all(list.map((bits) => ev.evaluate(bits)));
    const minutes = (performance.now() - t0) / 60000;
    const cpu = process.cpuUsage(cpu0);
    const row: Row = {
      network: name, workers, budget, evaluationsPerMinute: evaluations / minutes, secondsPerEvaluation: (minutes * 60) / evaluations,
      cpuSecondsPerEvaluation: (cpu.user + cpu.system) / 1e6 / evaluations,
      otherCoresBusy: probe.otherCores(), meanAccuracy: results.reduce((a, r) => a + r.accuracy, 0) / results.length,
    };
    rows.push(row);
    perMinute.push(row.evaluationsPerMinute);
    console.log(`${name.padEnd(10)} workers ${workers}  ${row.evaluationsPerMinute.toFixed(2).padStart(6)} evaluations/min  ${row.secondsPerEvaluation.toFixed(1).padStart(5)} s each (${row.cpuSecondsPerEvaluation.toFixed(1)} cpu-s)  other processes ${row.otherCoresBusy.toFixed(2)} cores busy  (${budget})`);
    await ev.dispose();
  }
  speedups.push({ network: name, secondWorkerSpeedup: perMinute[1]! / perMinute[0]! });
  console.log(`${name.padEnd(10)} second worker: ${(perMinute[1]! / perMinute[0]!).toFixed(2)}x`);
}

/**
 * A PPO search on LeNet with 2 workers until `searchEvaluations` distinct evaluations: one episode
 * at a time (the second worker idles) vs. search.parallelEpisodes auto (episodes of one PPO batch
 * evaluated together). Both find the same assignments; only the wall time differs.
 */
interface SearchRow { network: string; workers: number; parallelEpisodes: number | 'auto'; evaluations: number; episodes: number; evaluationsPerMinute: number; otherCoresBusy: number; best: number[] }
const searchRows: SearchRow[] = [];
if (networks.includes('lenet') && searchEvaluations > 0) {
  for (const parallelEpisodes of [1, 'auto'] as const) {
    const { ev } = await makeEvaluator('lenet', 2);
    const problem = await ev.prepare();
    await Promise.all([ev.evaluate(problem.layers.map(() => 8)), ev.evaluate(problem.layers.map(() => 4))]); // warm both workers
    const agentOptions = filled(ppoAgentPlugin as AnyPluginDefinition, {});
    const agent = await ppoAgentPlugin.create(agentOptions as never, { rng: (stream: string) => Rng.stream(1, stream) } as PluginContext);
    const config: SearchConfig = {
      bitwidths: [2, 3, 4, 5, 8], actions: 'flexible', state: { features: 7, quantization: 'mean' }, rewardTiming: 'episode',
      startBits: 8, fixedLayers: 'none', fixedBits: 8, maxEvaluations: searchEvaluations, maxSeconds: null,
      finalGreedyEpisodes: 0, checkpointEvery: 0, parallelEpisodes,
    };
    const probe = new LoadProbe();
    const t0 = performance.now();
    const res = await runSearch({
      problem, evaluator: ev, agent, reward: { compute: (i) => releqReward(i, { a: 0.8, b: 1, th: 0.4, minQuantization: 0.25 }) },
      config, episodes: 10000, rng: Rng.stream(1, 'search'), checkpointDir: mkdtempSync(path.join(os.tmpdir(), 'releq-bench-search-')),
      resume: false, signal: new AbortController().signal, logger: new ConsoleLogger('warn'),
    });
    const minutes = (performance.now() - t0) / 60000;
    agent.dispose();
    await ev.dispose();
    const row: SearchRow = {
      network: 'lenet', workers: 2, parallelEpisodes, evaluations: res.evaluations, episodes: res.episodes,
      evaluationsPerMinute: res.evaluations / minutes, otherCoresBusy: probe.otherCores(), best: res.best.bits,
    };
    searchRows.push(row);
    console.log(`lenet PPO search, 2 workers, parallelEpisodes ${String(parallelEpisodes).padEnd(4)}  ${row.evaluationsPerMinute.toFixed(2).padStart(6)} evaluations/min  (${row.evaluations} evaluations, ${row.episodes} episodes, best [${row.best.join(', ')}])  other processes ${row.otherCoresBusy.toFixed(2)} cores busy`);
  }
  console.log(`lenet PPO search: parallel episodes ${(searchRows[1]!.evaluationsPerMinute / searchRows[0]!.evaluationsPerMinute).toFixed(2)}x the evaluations per minute of one at a time`);
}

const lenet = rows.find((r) => r.network === 'lenet' && r.workers === 2);
const targets = {
  lenetPerMinute: { target: 4, measured: lenet?.evaluationsPerMinute ?? null },
  secondWorkerSpeedup: { target: 1.7, measured: speedups.map((s) => s.secondWorkerSpeedup) },
};
const busy = Math.max(...rows.map((r) => r.otherCoresBusy), ...searchRows.map((r) => r.otherCoresBusy));
if (busy > 0.25) console.log(`note: other processes kept ${busy.toFixed(2)} of ${os.cpus().length} cores busy during the measurements; figures are lower than on an idle machine`);
mkdirSync(path.join('bench', 'results'), { recursive: true });
writeFileSync(path.join('bench', 'results', 'evaluator.json'), `${JSON.stringify({
  machine: machineLine(), date: new Date().toISOString(), evaluationsPerRow: evaluations, targets,
  rows: [...rows, ...speedups], search: searchRows,
}, null, 2)}\n`);
console.log('wrote bench/results/evaluator.json');
