// npx tsx bench/lib/profile-step.ts resnet20 [batch=128] [threads=1] [--shapes]: exclusive time per
// kernel of a training step (nested kernels subtracted from their parents; tf.profile's times
// include nested kernels and its read-backs), summed over 3 steps after 2 warm-up steps and divided
// by 3. A diagnostic for the backend module, not a benchmark.
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/index.js';
import { KernelTimer } from './kernel-timer.js';
import { LoadProbe } from './load.js';
import { buildBenchModel, randomBatch, trainStep, type BenchModelName } from './models.js';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const name = (positional[0] ?? 'resnet20') as BenchModelName;
const batch = Number(positional[1] ?? 128);
const threads = Number(positional[2] ?? 1);
const steps = 3;
const info = await initBackend('wasm', { threads });
const timer = new KernelTimer('wasm', process.argv.includes('--shapes'));
const m = await buildBenchModel(name);
const optimizer = tf.train.sgd(0.01);
const { x, y } = randomBatch(m, batch, 1);
for (let i = 0; i < 2; i++) trainStep(m, optimizer, x, y);
const probe = new LoadProbe();
timer.enabled = true;
const t0 = performance.now();
for (let i = 0; i < steps; i++) trainStep(m, optimizer, x, y);
const wall = (performance.now() - t0) / steps;
timer.enabled = false;
const rows = timer.report();
const inKernels = rows.reduce((s, r) => s + r.ms, 0) / steps;
console.log(`${name} batch ${batch} on ${info.name}/${info.threads}t: step ${wall.toFixed(0)} ms, in kernels ${inKernels.toFixed(0)} ms, other processes used ${probe.otherCores().toFixed(2)} cores`);
for (const r of rows.slice(0, 30)) {
  console.log(`${r.name.padEnd(72)} ${(r.ms / steps).toFixed(1).padStart(8)} ms ${String(r.calls / steps).padStart(5)} calls`);
}
tf.dispose([x, y]);
optimizer.dispose();
m.dispose();
