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
  /** Laid out by dataParallelLayout: barrier words, per-party timings, per-party gradients; each double-buffered. */
  shared: SharedArrayBuffer;
  parties: number;
  numParams: number;
}
export interface DataParallelResult extends JobResult {
  /** Images this worker took in the last step (the batch is split by measured speed). */
  rows: number;
}

/** Byte offsets in the shared buffer: [arrivals, generation] Int32, 2 x parties ms/image, 2 x parties x numParams gradients. */
export function dataParallelLayout(parties: number, numParams: number): { timings: number; gradients: number; bytes: number } {
  const timings = 8;
  const gradients = timings + 2 * parties * 4;
  return { timings, gradients, bytes: gradients + 2 * parties * numParams * 4 };
}

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

/** Rows per party proportional to speed (1 / ms per image), in multiples of `unit`, summing to batch. */
export function splitBatch(batch: number, msPerImage: readonly number[], unit = 8): number[] {
  const speed = msPerImage.map((v) => 1 / v);
  const total = speed.reduce((a, b) => a + b, 0);
  const rows = speed.map((v) => Math.max(unit, Math.round((batch * v) / total / unit) * unit));
  // Rounding may hand out more than the batch: take the excess from the largest shares, so every
  // party keeps at least `unit` images.
  for (let excess = rows.reduce((a, b) => a + b, 0) - batch; excess > 0; excess -= unit) {
    rows[rows.indexOf(Math.max(...rows))]! -= unit;
  }
  rows[rows.length - 1] = batch - rows.slice(0, -1).reduce((a, b) => a + b, 0);
  return rows;
}

/**
 * Synchronous data-parallel SGD over one batch: worker i takes rows_i images, writes its mean
 * gradient into its slot, meets the others at a barrier, sums all slots weighted by rows_i / batch
 * in JS and applies the sum (= the whole batch's mean gradient). The two cores of these machines
 * often run at different speeds under load (splits settled at 56/72 images), and which one is
 * slower changes, so the split follows each worker's measured ms per image (an average over steps,
 * identical in every worker) instead of batch / parties.
 * Same seed => same initial weights and data, so weights stay identical across workers.
 */
export async function trainDataParallel(p: DataParallelPayload, ctx: { workerIndex: number }): Promise<DataParallelResult> {
  const m = await buildBenchModel(p.model, p.seed);
  const optimizer = tf.train.sgd(0.01);
  const { x, y } = randomBatch(m, p.batch, p.seed);
  const layout = dataParallelLayout(p.parties, p.numParams);
  const ctl = new Int32Array(p.shared, 0, 2);
  const timings = new Float32Array(p.shared, layout.timings, 2 * p.parties);
  const slots = new Float32Array(p.shared, layout.gradients);
  const names = m.variables.map((v) => v.name);
  const sizes = m.variables.map((v) => v.size);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== p.numParams) throw new Error(`worker ${ctx.workerIndex}: model has ${total} parameters, expected ${p.numParams}`);
  const sum = new Float32Array(total);
  let rows = Array.from({ length: p.parties }, () => p.batch / p.parties);
  let average: number[] | undefined;
  const step = (s: number): void => {
    const buffer = s % 2;
    const start = rows.slice(0, ctx.workerIndex).reduce((a, b) => a + b, 0);
    const mine = rows[ctx.workerIndex]!;
    const t0 = performance.now();
    const grads = tf.tidy(() => gradients(m, tf.slice(x, start, mine), tf.slice(y, start, mine)));
    timings[buffer * p.parties + ctx.workerIndex] = (performance.now() - t0) / mine;
    let offset = (buffer * p.parties + ctx.workerIndex) * total;
    for (const name of names) {
      const g = grads[name]!.dataSync() as Float32Array;
      slots.set(g, offset);
      offset += g.length;
    }
    tf.dispose(grads);
    barrier(ctl, p.parties);
    // The batch's mean gradient: each worker's mean weighted by its share of the batch.
    const base = buffer * p.parties * total;
    const weights = rows.map((r) => r / p.batch);
    const first = slots.subarray(base, base + total);
    const w0 = weights[0]!;
    for (let i = 0; i < total; i++) sum[i] = first[i]! * w0;
    for (let w = 1; w < p.parties; w++) {
      const other = slots.subarray(base + w * total, base + (w + 1) * total);
      const wi = weights[w]!;
      for (let i = 0; i < total; i++) sum[i]! += other[i]! * wi;
    }
    tf.tidy(() => {
      let at = 0;
      const named: tf.NamedTensorMap = {};
      m.variables.forEach((v, k) => {
        named[names[k]!] = tf.tensor(sum.subarray(at, at + sizes[k]!), v.shape);
        at += sizes[k]!;
      });
      optimizer.applyGradients(named);
    });
    // Every worker reads the same timings, so all compute the same next split.
    const measured = Array.from(timings.subarray(buffer * p.parties, (buffer + 1) * p.parties));
    average = average === undefined ? measured : average.map((a, i) => 0.5 * a + 0.5 * measured[i]!);
    rows = splitBatch(p.batch, average);
  };
  const result = timeSteps(p, step);
  tf.dispose([x, y]);
  optimizer.dispose();
  m.dispose();
  return { ...result, rows: rows[ctx.workerIndex]! };
}

/** Parameter count of a model (to size the SharedArrayBuffer). */
export async function countParams(p: { model: BenchModelName }): Promise<number> {
  const m = await buildBenchModel(p.model, 1);
  const n = m.variables.reduce((a, v) => a + v.size, 0);
  m.dispose();
  return n;
}
