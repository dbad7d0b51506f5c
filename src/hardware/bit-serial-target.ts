import type { CostReport, HardwareTarget, LayerPrecision } from '../registry/contracts/hardware.js';
import type { LayerInfo } from '../registry/contracts/layer-table.js';
import type { Logger } from '../services/logger.js';
import type { Rng } from '../services/rng.js';
import { bestClock, prepareLayer, timeRuns, type WeightEncoding } from './kernel/layer-runner.js';
import { type KernelLoad, loadKernel } from './kernel/native-kernel.js';
import { gemmGeometry, shapeKey } from './layer-geometry.js';
import { bitSerialWordOps } from './models/bit-serial-analytic.js';
import { buildReport, runBits } from './precision.js';
import { TimingCache } from './timing-cache.js';

export interface BitSerialCpuSettings {
  readonly timing: boolean;
  /** Bits for activations the assignment leaves unquantized (32). */
  readonly activationBits: number;
  readonly repetitions: number;
  readonly weights: WeightEncoding;
  readonly simd: boolean;
  /** Folder that holds hardware/bit-serial-cpu-timings.json. */
  readonly cacheDir: string;
}

export const MEASURED_UNITS = { latency: 'ms', energy: null } as const;
export const ANALYTIC_UNITS = { latency: 'word-ops (analytic)', energy: null } as const;

/**
 * Times the real bit-serial kernel on this machine, once per (layer shape, w_bits, a_bits), and
 * caches the timings on disk; without a kernel (or with timing off) counts word operations.
 */
export class BitSerialCpuTarget implements HardwareTarget {
  private kernel: Promise<KernelLoad> | null = null;
  private cache: TimingCache | null = null;
  private warned = false;

  constructor(
    private readonly settings: BitSerialCpuSettings,
    private readonly logger: Logger,
    private readonly rng: Rng,
    private readonly load: () => Promise<KernelLoad> = loadKernel,
  ) {}

  async cost(layers: readonly LayerInfo[], precision: readonly LayerPrecision[]): Promise<CostReport> {
    const load = this.settings.timing ? await (this.kernel ??= this.load()) : null;
    if (load === null || !load.ok) {
      if (load !== null && !this.warned) {
        this.logger.warn(`bit-serial-cpu: the kernel is unavailable (${load.reason}); costing with the analytic model`);
        this.warned = true;
      }
      return buildReport('bit-serial-cpu', ANALYTIC_UNITS, layers, precision, (layer, p) => {
        const { w, a } = runBits(p, this.settings.activationBits);
        return { latency: bitSerialWordOps(layer, w, a), energy: null };
      });
    }
    const kernel = load.kernel;
    this.cache ??= TimingCache.inDir(this.settings.cacheDir);
    const cache = this.cache;
    const clock = bestClock(kernel);
    const isa = this.settings.simd && kernel.simd ? kernel.isa : 'scalar-popcnt';
    const variant = `${this.settings.weights}/${isa}/${clock.name}/${kernel.build}`;
    let measured = 0;
    const report = await buildReport('bit-serial-cpu', MEASURED_UNITS, layers, precision, (layer, p) => {
      const { w, a } = runBits(p, this.settings.activationBits);
      const key = TimingCache.key(shapeKey(layer), w, a, variant);
      let entry = cache.get(key);
      if (entry === undefined) {
        const prepared = prepareLayer(kernel, gemmGeometry(layer), {
          wBits: w, aBits: a, encoding: this.settings.weights, simd: this.settings.simd,
        }, this.rng);
        entry = cache.set(key, timeRuns(prepared.run, this.settings.repetitions, 2, clock.clock), this.settings.repetitions);
        measured++;
      }
      return { latency: entry.ms, energy: null };
    });
    if (measured > 0) {
      cache.save();
      this.logger.debug(`bit-serial-cpu: timed ${measured} new (shape, bits) pairs; cache ${cache.file}`);
    }
    return report;
  }
}
