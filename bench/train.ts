// npm run bench:train [-- --quick] [-- --models=lenet,resnet20]
// Train-step and forward throughput per model, backend and parallel mode; writes bench/results/train.json.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import type { BackendInfo } from '../src/registry/contracts/backend.js';
import { WorkerPool, abortOnSignals } from '../src/workers/index.js';
import { LoadProbe, machineLine } from './lib/load.js';
import { BENCH_MODELS, buildBenchModel, forward, median, randomBatch, trainStep, type BenchModel, type BenchModelName } from './lib/models.js';
import { dataParallelLayout, type DataParallelPayload, type DataParallelResult, type JobPayload, type JobResult } from './lib/train-tasks.js';

const BATCH = 128;
/** wasm SIMD128 mul+add ceiling per core, measured by the prototype on this machine type (backend-notes.md). */
const SIMD_CEILING_GFLOPS_PER_CORE = 62;
/** Issue 3's targets for a 2-core machine (images/s), by model and mode. */
const TARGETS: Partial<Record<`${BenchModelName}/${Mode}`, number>> = {
  'lenet/single': 1750, 'lenet/jobs': 2300, 'resnet20/single': 150, 'resnet20/data-parallel': 180, 'mobilenet/data-parallel': 150,
};
const MIN_SPEEDUP = 400;

type Mode = 'single' | 'data-parallel' | 'jobs';
interface Row {
  model: BenchModelName; backend: string; mode: Mode; workers: number; threads: number; batch: number;
  trainImagesPerSec: number; trainGflops: number; forwardGflops: number | null; speedupVsCpu: number | null;
  simdCeilingFraction: number | null; otherCoresBusy: number; memory: string | null; quick: boolean; measuredAt: string;
}

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const models = (argv.find((a) => a.startsWith('--models='))?.slice(9).split(',') ?? [...BENCH_MODELS]) as BenchModelName[];
const plan = quick
  // 2 warm-up steps even when quick: the first grows the wasm heap (~4x a step) and the second is
  // often still slow, which made 1-warm-up medians swing by 30%.
  ? { warmup: 2, steps: 3, forwardSteps: 2, cpuBatch: 1, cpuWarmup: 0, cpuSteps: 1, memoryAt: [2, 5] as const }
  : { warmup: 2, steps: 7, forwardSteps: 7, cpuBatch: 8, cpuWarmup: 1, cpuSteps: 2, memoryAt: [10, 200] as const };
const workersTask = new URL('./lib/train-tasks.js', import.meta.url);
const rows: Row[] = [];
const stamp = { quick, measuredAt: new Date().toISOString() };
const phase = (label: string, t0: number): void => console.log(`    ${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const gf = (flopsPerImage: number, imagesPerSec: number, factor: number): number => (factor * flopsPerImage * imagesPerSec) / 1e9;

function timeSteps(count: number, fn: () => void): number[] {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times;
}

/** One model on the main process's backend (all threads): forward, train, memory, then the cpu reference. */
async function single(name: BenchModelName, info: BackendInfo): Promise<{ cpuImagesPerSec: number }> {
  const m: BenchModel = await buildBenchModel(name);
  const optimizer = tf.train.sgd(0.01);
  const { x, y } = randomBatch(m, BATCH, 7);
  const probe = new LoadProbe();
  const t0 = performance.now();
  forward(m, x);
  const forwardMs = median(timeSteps(plan.forwardSteps, () => forward(m, x)));
  let done = 0;
  const counts = new Map<number, number>();
  const step = (): void => { trainStep(m, optimizer, x, y); done++; if (plan.memoryAt.includes(done as never)) counts.set(done, tf.memory().numTensors); };
  for (let i = 0; i < plan.warmup; i++) step();
  const stepMs = median(timeSteps(plan.steps, step));
  while (done < plan.memoryAt[1]) step();
  const other = probe.otherCores();
  const [a, b] = plan.memoryAt;
  const memory = counts.get(a) === counts.get(b) ? `flat (${counts.get(a)} tensors at steps ${a} and ${b})` : `GROWS: ${counts.get(a)} at step ${a}, ${counts.get(b)} at step ${b}`;
  tf.dispose([x, y]);
  phase(`${name} ${info.name} single`, t0);

  // cpu reference in the same run: few steps at a small batch (its per-image rate does not depend on batch).
  await tf.setBackend('cpu');
  const cpuProbe = new LoadProbe();
  const t1 = performance.now();
  const small = randomBatch(m, plan.cpuBatch, 8);
  for (let i = 0; i < plan.cpuWarmup; i++) trainStep(m, optimizer, small.x, small.y);
  const cpuMs = median(timeSteps(plan.cpuSteps, () => trainStep(m, optimizer, small.x, small.y)));
  const cpuForwardMs = median(timeSteps(1, () => forward(m, small.x)));
  tf.dispose([small.x, small.y]);
  const cpuOther = cpuProbe.otherCores();
  phase(`${name} cpu reference`, t1);
  await tf.setBackend(info.name);
  optimizer.dispose();
  m.dispose();

  const ips = (BATCH * 1000) / stepMs;
  const cpuIps = (plan.cpuBatch * 1000) / cpuMs;
  rows.push({
    model: name, backend: 'cpu', mode: 'single', workers: 1, threads: 1, batch: plan.cpuBatch, trainImagesPerSec: cpuIps,
    trainGflops: gf(m.forwardFlops, cpuIps, 3), forwardGflops: gf(m.forwardFlops, (plan.cpuBatch * 1000) / cpuForwardMs, 1),
    speedupVsCpu: null, simdCeilingFraction: null, otherCoresBusy: cpuOther, memory: null, ...stamp,
  });
  rows.push({
    model: name, backend: info.name, mode: 'single', workers: 1, threads: info.threads, batch: BATCH, trainImagesPerSec: ips,
    trainGflops: gf(m.forwardFlops, ips, 3), forwardGflops: gf(m.forwardFlops, (BATCH * 1000) / forwardMs, 1), speedupVsCpu: ips / cpuIps,
    simdCeilingFraction: info.name === 'wasm' ? gf(m.forwardFlops, ips, 3) / (SIMD_CEILING_GFLOPS_PER_CORE * info.threads) : null,
    otherCoresBusy: other, memory, ...stamp,
  });
  return { cpuImagesPerSec: cpuIps };
}

async function parallel(name: BenchModelName, pool: WorkerPool, cpuIps: number): Promise<void> {
  const flops = (await buildFlops(name));
  const backend = pool.backends()[0]!;
  const base: JobPayload = { model: name, batch: BATCH, warmup: plan.warmup, steps: plan.steps, seed: 3 };
  const numParams = await pool.run<number>({ module: workersTask, exportName: 'countParams', payload: { model: name } });
  const shared = new SharedArrayBuffer(dataParallelLayout(pool.size, numParams).bytes);
  const dpProbe = new LoadProbe();
  const dp = await pool.runOnEach<DataParallelResult>(Array.from({ length: pool.size }, () => ({
    module: workersTask, exportName: 'trainDataParallel', payload: { ...base, shared, parties: pool.size, numParams } satisfies DataParallelPayload,
  })));
  const dpOther = dpProbe.otherCores();
  phase(`${name} data-parallel (last split ${dp.map((r) => r.rows).join('/')} images)`, dpProbe.startedAt);
  const dpIps = (BATCH * 1000) / Math.max(...dp.map((r) => r.stepMs));
  const jobsProbe = new LoadProbe();
  const jobs = await pool.runOnEach<JobResult>(Array.from({ length: pool.size }, (_, i) => ({ module: workersTask, exportName: 'trainJob', payload: { ...base, seed: 3 + i } })));
  const jobsOther = jobsProbe.otherCores();
  // Per-worker step times show how unevenly the two cores run under load.
  phase(`${name} jobs (step ${jobs.map((r) => r.stepMs.toFixed(0)).join(' / ')} ms per worker)`, jobsProbe.startedAt);
  const jobsIps = jobs.reduce((s, r) => s + r.imagesPerSec, 0);
  for (const [mode, ips, other, results] of [['data-parallel', dpIps, dpOther, dp], ['jobs', jobsIps, jobsOther, jobs]] as const) {
    const flat = results.every((r) => r.numTensorsAfterWarmup === r.numTensorsAtEnd);
    rows.push({
      model: name, backend: backend.name, mode, workers: pool.size, threads: backend.threads, batch: BATCH, trainImagesPerSec: ips,
      trainGflops: gf(flops, ips, 3), forwardGflops: null, speedupVsCpu: ips / cpuIps,
      simdCeilingFraction: backend.name === 'wasm' ? gf(flops, ips, 3) / (SIMD_CEILING_GFLOPS_PER_CORE * pool.size * backend.threads) : null,
      otherCoresBusy: other, memory: flat ? 'flat (per worker)' : 'GROWS in a worker', ...stamp,
    });
  }
}

async function buildFlops(name: BenchModelName): Promise<number> {
  const m = await buildBenchModel(name);
  const flops = m.forwardFlops;
  m.dispose();
  return flops;
}

function verdict(r: Row): string {
  const notes: string[] = [];
  const target = TARGETS[`${r.model}/${r.mode}`];
  if (r.backend !== 'cpu' && target !== undefined) notes.push(r.trainImagesPerSec >= target ? `target ${target} met` : `GAP: target ${target} img/s, ${(100 * r.trainImagesPerSec / target).toFixed(0)}% reached`);
  if (r.speedupVsCpu !== null) notes.push(r.speedupVsCpu >= MIN_SPEEDUP ? `>=${MIN_SPEEDUP}x cpu` : `GAP: ${r.speedupVsCpu.toFixed(1)}x < ${MIN_SPEEDUP}x cpu`);
  if (r.otherCoresBusy > 0.1) notes.push(`BUSY: other processes used ${r.otherCoresBusy.toFixed(2)} cores`);
  return notes.join('; ');
}

function printTable(): void {
  const head = ['model', 'backend', 'mode', 'wk', 'thr', 'batch', 'img/s', 'train GF/s', 'fwd GF/s', 'x cpu', 'ceiling', 'other cores', 'notes'];
  const body = rows.map((r) => [r.model, r.backend, r.mode, String(r.workers), String(r.threads), String(r.batch), r.trainImagesPerSec.toFixed(r.trainImagesPerSec < 10 ? 3 : 1),
    r.trainGflops.toFixed(2), r.forwardGflops?.toFixed(2) ?? '-', r.speedupVsCpu?.toFixed(0) ?? '-', r.simdCeilingFraction === null ? '-' : `${(100 * r.simdCeilingFraction).toFixed(0)}%`,
    r.otherCoresBusy.toFixed(2), verdict(r)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  console.log(line(head));
  for (const b of body) console.log(line(b));
}

/**
 * Writes bench/results/train.json (npm scripts run at the package root, also from dist/). Rows of
 * models not measured in this run (--models=...) are kept from the previous file; each row carries
 * its measuredAt and quick flag.
 */
function writeResults(): string {
  const out = path.resolve('bench/results/train.json');
  mkdirSync(path.dirname(out), { recursive: true });
  let kept: Row[] = [];
  if (existsSync(out)) {
    try { kept = (JSON.parse(readFileSync(out, 'utf8')) as Row[]).filter((r) => !models.includes(r.model)); } catch { kept = []; }
  }
  const order = (r: Row): number => BENCH_MODELS.indexOf(r.model);
  writeFileSync(out, `${JSON.stringify([...kept, ...rows].sort((a, b) => order(a) - order(b)), null, 2)}\n`);
  return out;
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(`bench:train ${quick ? '--quick' : '(full)'}: ${machineLine()}`);
  const info = await initBackend('auto', { threads: 'auto' });
  console.log(`main process backend: ${info.name}, ${info.threads} thread(s), tfjs ${info.tfjsVersion}`);
  const interrupt = abortOnSignals();
  const pool = await WorkerPool.create({ workers: 2, backend: 'auto', threadsPerWorker: 1, signal: interrupt.signal });
  console.log(`pool: ${pool.size} workers, ${pool.backends().map((b) => `${b.name}/${b.threads}t`).join(', ')}`);
  try {
    for (const name of models) {
      const t0 = performance.now();
      const { cpuImagesPerSec } = await single(name, info);
      await parallel(name, pool, cpuImagesPerSec);
      console.log(`  ${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      writeResults();
    }
  } finally {
    await pool.dispose();
    interrupt.release();
  }
  console.log('');
  printTable();
  console.log(`\nGF/s: effective = 3 x forward FLOPs x img/s (conv/depthwise/dense MACs x 2). ceiling = train GF/s / (${SIMD_CEILING_GFLOPS_PER_CORE} GF/s x cores used), the wasm SIMD128 mul+add ceiling from backend-notes.md.`);
  console.log(`cpu rows: batch ${plan.cpuBatch}, ${plan.cpuSteps} step(s) after ${plan.cpuWarmup} warm-up; wasm rows: median of ${plan.steps} steps after ${plan.warmup} warm-up. Total ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  console.log(`wrote ${writeResults()}${quick ? ' (quick mode)' : ''}`);
}

await main();
