import { BitSerialCpuTarget } from '../../src/hardware/bit-serial-target.js';
import type { WeightEncoding } from '../../src/hardware/kernel/layer-runner.js';
import { activationBitsOption } from '../../src/hardware/plugin-options.js';
import type { HardwareTarget } from '../../src/registry/contracts/index.js';
import { definePlugin } from '../../src/registry/plugin.js';

export interface BitSerialCpuOptions {
  readonly timing: boolean;
  readonly activationBits: number;
  readonly repetitions: number;
  readonly weights: WeightEncoding;
  readonly simd: boolean;
  readonly cacheDir: string | null;
}

export const bitSerialCpuPlugin = definePlugin<'hardware', BitSerialCpuOptions>({
  kind: 'hardware',
  name: 'bit-serial-cpu',
  description: "Times a real bit-serial (TVM-style popcount) kernel on this CPU; analytic model when it can't",
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      timing: {
        type: 'boolean', default: true,
        description: 'Time the native kernel (cached on disk); false = the analytic word-operation model',
      },
      activationBits: activationBitsOption,
      repetitions: {
        type: 'integer', minimum: 1, maximum: 100, default: 5,
        description: 'Timed samples per (layer shape, bits); the fastest is kept (other load only adds time)',
      },
      weights: {
        type: 'string', enum: ['unipolar', 'unsigned'], default: 'unipolar',
        description: "Weight bit-planes as TVM's unipolar=True (+1/-1 per plane, its default) or unsigned",
      },
      simd: { type: 'boolean', default: true, description: 'Use the AVX-512 popcount path when the build has it' },
      cacheDir: {
        type: ['string', 'null'], default: null, releqPath: true,
        description: "Folder for hardware/bit-serial-cpu-timings.json (null = the run's cache folder)",
      },
    },
  },
  create(options, ctx): HardwareTarget {
    const cacheDir = options.cacheDir === null ? ctx.paths.cacheDir : ctx.resolvePath(options.cacheDir);
    return new BitSerialCpuTarget({ ...options, cacheDir }, ctx.logger, ctx.rng('hardware/bit-serial-cpu'));
  },
});
