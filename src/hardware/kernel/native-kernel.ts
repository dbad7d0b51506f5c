import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../../util/project-root.js';

/** The addon's functions (native/bitserial/bitserial.c); layouts are documented there. */
export interface BitSerialKernel {
  readonly isa: string;
  /** True when the AVX-512 path is compiled in; `gemm(..., simd=false, ...)` always works. */
  readonly simd: boolean;
  readonly wordBits: number;
  /** Hash of the kernel's source and build machine: timings from another revision are not reused. */
  readonly build: string;
  packRows(src: Uint16Array, rows: number, k: number, bits: number, out: BigUint64Array): void;
  packConv(
    src: Uint16Array, h: number, w: number, c: number, k: number, stride: number, pad: number,
    outH: number, outW: number, bits: number, out: BigUint64Array,
  ): void;
  packWeights(src: Uint16Array, n: number, k: number, bits: number, out: BigUint64Array): void;
  /** A zeroed BigUint64Array on 64-byte aligned memory (packed operands are read with 64-byte loads). */
  alignedU64(length: number): BigUint64Array;
  /** CPU milliseconds of the calling thread (excludes time preempted by other processes); -1 if unsupported. */
  threadCpuMs(): number;
  gemm(
    a: BigUint64Array, m: number, aBits: number, w: BigUint64Array, n: number, wBits: number, k: number,
    unipolar: boolean, simd: boolean, out: Float64Array,
  ): void;
}

export type KernelLoad = { readonly ok: true; readonly kernel: BitSerialKernel } | { readonly ok: false; readonly reason: string };

interface RawAddon {
  features(): { isa: string; simd: boolean; wordBits: number };
  packRows: BitSerialKernel['packRows'];
  packConv: BitSerialKernel['packConv'];
  packWeights: BitSerialKernel['packWeights'];
  gemm: BitSerialKernel['gemm'];
  threadCpuMs: BitSerialKernel['threadCpuMs'];
  alignedU64: BitSerialKernel['alignedU64'];
}

interface BuildModule {
  addonPath(): string;
  buildKernel(options: { quiet?: boolean }): { ok: true; path: string } | { ok: false; reason: string };
}

let cached: Promise<KernelLoad> | null = null;

/**
 * Loads the kernel, building it first when this machine has no build yet (the install step
 * normally did that). Never throws: a machine without a compiler gets `{ok: false, reason}`.
 */
export function loadKernel(): Promise<KernelLoad> {
  cached ??= loadOnce();
  return cached;
}

async function loadOnce(): Promise<KernelLoad> {
  if (process.env.RELEQ_NO_NATIVE === '1') return { ok: false, reason: 'disabled by RELEQ_NO_NATIVE=1' };
  try {
    const script = join(projectRoot(), 'native', 'bitserial', 'build.mjs');
    if (!existsSync(script)) return { ok: false, reason: `the kernel source folder is missing (${script})` };
    const build = (await import(pathToFileURL(script).href)) as BuildModule;
    const result = build.buildKernel({ quiet: true });
    if (!result.ok) return { ok: false, reason: result.reason };
    const raw = createRequire(import.meta.url)(result.path) as RawAddon;
    const f = raw.features();
    const kernel: BitSerialKernel = {
      isa: f.isa, simd: f.simd, wordBits: f.wordBits, build: basename(dirname(result.path)),
      packRows: raw.packRows, packConv: raw.packConv, packWeights: raw.packWeights, gemm: raw.gemm,
      threadCpuMs: raw.threadCpuMs, alignedU64: raw.alignedU64,
    };
    return { ok: true, kernel };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** Words per packed row of length k. */
export function wordsFor(k: number): number {
  return Math.ceil(k / 64);
}
