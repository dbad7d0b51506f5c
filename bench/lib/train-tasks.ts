// Tasks the benchmark runs inside pool workers (each worker has its own single-thread backend).
import * as tf from '@tensorflow/tfjs';
import { buildBenchModel, gradients, median, randomBatch, trainStep, type BenchModelName } from './models.js';

export interface JobPayload { model: BenchModelName; batch: number; warmup: number; steps: number; seed: number }
export interface JobResult { stepMs: number; imagesPerSec: number; numTensorsAfterWarmup: number; numTensorsAtEnd: number }

/** Runs `warmup` untimed then `steps` timed calls of `step(n)` (n counts all calls); median step time. */
function timeSteps(p: JobPayload, step: (n: number) => void): JobResult {
  let n = 0;
  for (; n < p.warmup; n++) step(n);
  const afterWarmup = tf.memory().numTensors;
  const times: number[] = [];
  for (let i = 0; i < p.steps; i++, n++) {
    const t0 = performance.now();
    step(n);
    times.push(performance.now() - t0);
  }
  const ms = median(times);
  return { stepMs: ms, imagesPerSec: (p.batch * 1000) / ms, numTensorsAfterWarmup: afterWarmup, numTensorsAtEnd: tf.memory().numTensors };
}

/** An independent training job: its own model, timed SGD steps. */
export async function trainJob(p: JobPayload): Promise<JobResult> {
  const m = await buildBenchModel(p.model, p.seed);
  const optimizer = tf.train.sgd(0.01);
  const { x, y } = randomBatch(m, p.batch, p.seed);
  const result = timeSteps(p, () => trainStep(m, optimizer, x, y));
  tf.dispose([x, y]);
  optimizer.dispose();
  m.dispose();
  return result;
}

export interface DataParallelPayload extends JobPayload {
  /** [0]: arrivals, [1]: generation; then 2 buffers x parties x numParams float32 gradients. */
  shared: SharedArrayBuffer;
  parties: number;
  numParams: number;
}

const HEADER_BYTES = 8;

/** Sense-free generation barrier: the last arrival resets the count and bumps the generation. */
function barrier(ctl: Int32Array, parties: number): void {
  const generation = Atomics.load(ctl, 1);
  if (Atomics.add(ctl, 0, 1) === parties - 1) {
    Atomics.store(ctl, 0, 0);
    Atomics.add(ctl, 1, 1);
    Atomics.notify(ctl, 1);
  } else {
    while (Atomics.load(ctl, 1) === generation) Atomics.wait(ctl, 1, generation, 1000);
  }
}

/**
 * Synchronous data-parallel SGD: each worker takes batch/parties images, writes its gradients into
 * its slot of a double-buffered SharedArrayBuffer, meets the others at a barrier, averages all
 * slots in JS and applies the mean. Same seed => same initial weights, so weights stay identical.
 */
export async function trainDataParallel(p: DataParallelPayload, ctx: { workerIndex: number }): Promise<JobResult> {
  const m = await buildBenchModel(p.model, p.seed);
  const optimizer = tf.train.sgd(0.01);
  const { x, y } = randomBatch(m, p.batch / p.parties, p.seed + 100 * ctx.workerIndex);
  const ctl = new Int32Array(p.shared, 0, 2);
  const slots = new Float32Array(p.shared, HEADER_BYTES);
  const names = m.variables.map((v) => v.name);
  const sizes = m.variables.map((v) => v.size);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== p.numParams) throw new Error(`worker ${ctx.workerIndex}: model has ${total} parameters, expected ${p.numParams}`);
  const mean = new Float32Array(total);
  const step = (s: number): void => {
    const buffer = s % 2;
    const grads = gradients(m, x, y);
    let offset = (buffer * p.parties + ctx.workerIndex) * total;
    for (const name of names) {
      const g = grads[name]!;
      slots.set(g.dataSync() as Float32Array, offset);
      offset += g.size;
    }
    tf.dispose(grads);
    barrier(ctl, p.parties);
    // Mean of all workers' slots in one pass (scale folded in), then one upload per variable.
    const base = buffer * p.parties * total;
    const scale = 1 / p.parties;
    if (p.parties === 2) {
      const a = slots.subarray(base, base + total);
      const b = slots.subarray(base + total, base + 2 * total);
      for (let i = 0; i < total; i++) mean[i] = (a[i]! + b[i]!) * scale;
    } else {
      mean.set(slots.subarray(base, base + total));
      for (let w = 1; w < p.parties; w++) {
        const other = slots.subarray(base + w * total, base + (w + 1) * total);
        for (let i = 0; i < total; i++) mean[i]! += other[i]!;
      }
      for (let i = 0; i < total; i++) mean[i]! *= scale;
    }
    tf.tidy(() => {
      let at = 0;
      const named: tf.NamedTensorMap = {};
      m.variables.forEach((v, k) => {
        named[names[k]!] = tf.tensor(mean.subarray(at, at + sizes[k]!), v.shape);
        at += sizes[k]!;
      });
      optimizer.applyGradients(named);
    });
  };
  const result = timeSteps(p, step);
  tf.dispose([x, y]);
  optimizer.dispose();
  m.dispose();
  return result;
}

/** Parameter count of a model (to size the SharedArrayBuffer). */
export async function countParams(p: { model: BenchModelName }): Promise<number> {
  const m = await buildBenchModel(p.model, 1);
  const n = m.variables.reduce((a, v) => a + v.size, 0);
  m.dispose();
  return n;
}
