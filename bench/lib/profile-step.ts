// npx tsx bench/lib/profile-step.ts resnet20 [batch] [threads]: per-kernel time of one training step
// (tf.profile), to find where a step goes. A diagnostic for the backend module, not a benchmark.
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/index.js';
import { buildBenchModel, randomBatch, trainStep, type BenchModelName } from './models.js';

const name = (process.argv[2] ?? 'resnet20') as BenchModelName;
const batch = Number(process.argv[3] ?? 32);
const threads = Number(process.argv[4] ?? 1);
const info = await initBackend('wasm', { threads });
const m = await buildBenchModel(name);
const optimizer = tf.train.sgd(0.01);
const { x, y } = randomBatch(m, batch, 1);
trainStep(m, optimizer, x, y);
const t0 = performance.now();
const profile = await tf.profile(() => { trainStep(m, optimizer, x, y); });
const wall = performance.now() - t0;
const byKernel = new Map<string, { ms: number; calls: number }>();
for (const k of profile.kernels) {
  const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
  e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  e.calls++;
  byKernel.set(k.name, e);
}
console.log(`${name} batch ${batch} on ${info.name}/${info.threads}t: step wall ${wall.toFixed(0)} ms (profiled)`);
for (const [k, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) console.log(`${k.padEnd(40)} ${e.ms.toFixed(1).padStart(8)} ms  ${String(e.calls).padStart(4)} calls`);
