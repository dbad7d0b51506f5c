// Temporary diagnostics probe (H7)
export {};
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLandscape } from '../src/search/landscape-file.js';
import { LandscapeEvaluator } from '../plugins/evaluators/landscape.js';
import { ppoAgentPlugin } from '../plugins/agents/ppo.js';
import { randomAgentPlugin } from '../plugins/agents/random.js';
import { releqRewardPlugin } from '../plugins/rewards/releq.js';
import { runSearch } from '../src/search/run-search.js';
import { PAPER_SEARCH, levelSet, releqDefaults, schemaDefaults } from './search-harness.js';
import { MemoryLogger } from '../src/services/logger.js';
import { Rng } from '../src/services/rng.js';
import type { Bitwidths, Evaluation, Evaluator, Reward } from '../src/registry/contracts/index.js';
import type { PluginContext } from '../src/registry/plugin.js';

const [file, optsJson, seedsArg, epArg, verbose, agentName] = process.argv.slice(2);
const opts = JSON.parse(optsJson ?? '{}');
const seeds = (seedsArg ?? '1,2,3,4,5').split(',').map(Number);
const episodes = Number(epArg ?? 2000);
await import('@tensorflow/tfjs-backend-wasm');
await tf.setBackend(process.env.BK ?? 'wasm'); await tf.ready();
const landscape = await readLandscape(file!);
const reward = releqRewardPlugin.create(releqDefaults, {} as PluginContext) as Reward;
const level = levelSet(landscape, reward, PAPER_SEARCH);
const out: Array<number | null> = [];
for (const seed of seeds) {
  const inner = new LandscapeEvaluator(landscape, 'nearest', new MemoryLogger());
  let calls = 0, hit: number | null = null;
  const ev: Evaluator = {
    prepare: () => inner.prepare(), stats: () => inner.stats(), dispose: () => inner.dispose(),
    async evaluate(bits: Bitwidths): Promise<Evaluation> { const e = await inner.evaluate(bits); calls++; if (hit === null && e.origin === 'recorded' && level.has(bits.join(','))) hit = calls; return e; },
  };
  const ctx = { rng: (s: string) => Rng.stream(seed, s) } as unknown as PluginContext;
  const agent = agentName === 'random' ? await randomAgentPlugin.create({}, ctx) : await ppoAgentPlugin.create({ ...schemaDefaults<object>(ppoAgentPlugin.optionsSchema), ...opts } as never, ctx);
  const dir = await mkdtemp(join(tmpdir(), 'h7-'));
  let same: number[] = [], rs: number[] = [], ents: number[] = [], stats: Record<string, number>[] = [];
  const t0 = Date.now();
  const res = await runSearch({ problem: await ev.prepare(), evaluator: ev, agent, reward, config: { ...PAPER_SEARCH, maxEvaluations: 3000 }, episodes,
    rng: Rng.stream(seed, 'search'), checkpointDir: dir, resume: false, signal: new AbortController().signal, logger: new MemoryLogger(),
    onEpisode: (r) => {
      rs.push(r.reward); same.push(r.bits.every((b) => b === r.bits[0]) ? 1 : 0);
      ents.push(r.probabilities.reduce((s, p) => s - p.reduce((a, q) => a + (q > 0 ? q * Math.log(q) : 0), 0), 0) / Math.max(1, r.probabilities.length));
      if (Object.keys(r.agentStats).length) stats.push(r.agentStats as Record<string, number>);
      if (verbose === 'v' && r.episode % 200 === 0) {
        const m = (xs: number[]) => (xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
        const modes = r.probabilities.map((p) => landscape.bitwidthChoices[p.indexOf(Math.max(...p))]).join('');
        const st = (k: string) => m(stats.map((s) => s[k] ?? 0)).toFixed(3);
        console.log(`  ep ${r.episode} evals ${r.evaluations} R ${m(rs).toFixed(3)} H ${m(ents).toFixed(2)} mode ${modes} maxp ${r.probabilities.map((p) => Math.max(...p).toFixed(2)).join(',')} vl ${st('valueLoss')} kl ${st('approxKl')} cf ${st('clipFraction')} A+ ${st('positiveAdvantages')} Am ${st('advantageMean')} hit ${hit} same ${m(same).toFixed(2)}`);
        rs = []; same = []; ents = []; stats = [];
      }
    } });
  out.push(hit);
  console.log(`seed ${seed}: hit ${hit} evals ${res.evaluations} final [${res.final.bits}] ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  agent.dispose(); await rm(dir, { recursive: true, force: true });
}
const xs = out.map((x) => x ?? 3000).sort((a, b) => a - b);
console.log(`SUMMARY ${JSON.stringify(opts)} hits ${JSON.stringify(out)} median ${xs[xs.length >> 1]} reached ${out.filter((x) => x !== null).length}/${out.length}`);
