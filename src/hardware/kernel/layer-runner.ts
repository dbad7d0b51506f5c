import type { Rng } from '../../services/rng.js';
import type { GemmGeometry } from '../layer-geometry.js';
import { type BitSerialKernel, wordsFor } from './native-kernel.js';

export type WeightEncoding = 'unipolar' | 'unsigned';

export interface RunnerOptions {
  readonly wBits: number;
  readonly aBits: number;
  readonly encoding: WeightEncoding;
  /** Use the AVX-512 path when the build has it. */
  readonly simd: boolean;
}

/** One layer ready to run: weights packed once (as a deployed model would), buffers allocated. */
export interface PreparedLayer {
  /** Packs this image's activations (fused im2col for conv) and runs the bit-serial GEMM. */
  run(): void;
  readonly output: Float64Array;
}

/** Random unsigned integers below 2^bits, from the given stream. */
export function randomCodes(rng: Rng, length: number, bits: number): Uint16Array {
  const out = new Uint16Array(length);
  const mask = (1 << bits) - 1;
  for (let i = 0; i < length; i++) out[i] = rng.nextUint32() & mask;
  return out;
}

export function prepareLayer(kernel: BitSerialKernel, g: GemmGeometry, o: RunnerOptions, rng: Rng): PreparedLayer {
  const kw = wordsFor(g.k);
  const weights = randomCodes(rng, g.n * g.k, o.wBits);
  const packedW = kernel.alignedU64(Math.ceil(g.n / 8) * 8 * o.wBits * kw);
  kernel.packWeights(weights, g.n, g.k, o.wBits, packedW);
  const packedA = kernel.alignedU64(g.m * o.aBits * kw);
  const output = new Float64Array(g.m * g.n);
  const simd = o.simd && kernel.simd;
  const unipolar = o.encoding === 'unipolar';
  const c = g.conv;
  if (c !== null) {
    const input = randomCodes(rng, c.h * c.w * c.c, o.aBits);
    return {
      output,
      run: () => {
        kernel.packConv(input, c.h, c.w, c.c, c.kernel, c.stride, c.pad, c.outH, c.outW, o.aBits, packedA);
        kernel.gemm(packedA, g.m, o.aBits, packedW, g.n, o.wBits, g.k, unipolar, simd, output);
      },
    };
  }
  const input = randomCodes(rng, g.m * g.k, o.aBits);
  return {
    output,
    run: () => {
      kernel.packRows(input, g.m, g.k, o.aBits, packedA);
      kernel.gemm(packedA, g.m, o.aBits, packedW, g.n, o.wBits, g.k, unipolar, simd, output);
    },
  };
}

/** A millisecond clock: the kernel's thread CPU clock where it works, else wall time. */
export type Clock = () => number;

export const wallClock: Clock = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * The thread CPU clock: on a machine shared with other processes, wall time mostly measures
 * how long the thread waited to be scheduled. Shared caches and SMT siblings still add noise.
 */
export function bestClock(kernel: BitSerialKernel): { clock: Clock; name: 'thread-cpu' | 'wall' } {
  return kernel.threadCpuMs() >= 0 ? { clock: () => kernel.threadCpuMs(), name: 'thread-cpu' } : { clock: wallClock, name: 'wall' };
}

/**
 * Milliseconds of one `run()`: the fastest of `repetitions` samples, each repeating the run until
 * it has lasted `minSampleMs` so sub-millisecond layers are timed reliably. The minimum, not the
 * median: other processes on a shared machine only ever add time.
 */
export function timeRuns(run: () => void, repetitions: number, minSampleMs = 2, clock: Clock = wallClock): number {
  run(); // warm caches and pages
  const samples: number[] = [];
  for (let r = 0; r < repetitions; r++) {
    let calls = 0;
    const start = clock();
    let elapsed = 0;
    do {
      run();
      calls++;
      elapsed = clock() - start;
    } while (elapsed < minSampleMs);
    samples.push(elapsed / calls);
  }
  return Math.min(...samples);
}
