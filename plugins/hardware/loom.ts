import { latencyEnergy, loomCost } from '../../src/hardware/models/accelerators.js';
import { activationBitsOption, frequencyOption, memoryEnergyOptions } from '../../src/hardware/plugin-options.js';
import { buildReport, runBits } from '../../src/hardware/precision.js';
import type { HardwareTarget } from '../../src/registry/contracts/index.js';
import { definePlugin } from '../../src/registry/plugin.js';

export interface LoomOptions {
  readonly parallelMacsPerCycle: number;
  readonly frequencyMhz: number;
  readonly activationBits: number;
  readonly bitOpPj: number;
  readonly sramPjPerBit: number;
  readonly dramPjPerBit: number;
  readonly activationsOffChip: boolean;
}

export const loomPlugin = definePlugin<'hardware', LoomOptions>({
  kind: 'hardware',
  name: 'loom',
  description: 'Loom (Sharify et al., DAC 2018): conv time ∝ Pw*Pa/256, fully connected ∝ Pw/16, vs 16-bit',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      parallelMacsPerCycle: {
        type: 'integer', minimum: 1, default: 4096,
        description: '16-bit MACs per cycle of the equally provisioned bit-parallel engine (assumption: DaDianNao-class)',
      },
      frequencyMhz: frequencyOption(980, 'assumption; only scales absolute latency'),
      activationBits: activationBitsOption,
      bitOpPj: {
        type: 'number', minimum: 0, default: 0.003125,
        description: 'pJ per 1x1-bit product step: a 16x16-bit multiply (~0.8 pJ, assumption from Horowitz 2014) / 256',
      },
      ...memoryEnergyOptions,
    },
  },
  create(o): HardwareTarget {
    return {
      cost: (layers, precision) => buildReport('loom', { latency: 'us', energy: 'uJ' }, layers, precision, (layer, p) => {
        const { w, a } = runBits(p, o.activationBits);
        return latencyEnergy(layer, loomCost(layer, w, a, o.parallelMacsPerCycle), w, a, o.frequencyMhz, o.bitOpPj, o);
      }),
    };
  },
});
