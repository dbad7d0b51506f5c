import { bitFusionCost, fusedBits, latencyEnergy } from '../../src/hardware/models/accelerators.js';
import { activationBitsOption, frequencyOption, memoryEnergyOptions } from '../../src/hardware/plugin-options.js';
import { buildReport, runBits } from '../../src/hardware/precision.js';
import type { HardwareTarget } from '../../src/registry/contracts/index.js';
import { definePlugin } from '../../src/registry/plugin.js';

export interface BitFusionOptions {
  readonly fusionUnits: number;
  readonly frequencyMhz: number;
  readonly activationBits: number;
  readonly brickPj: number;
  readonly sramPjPerBit: number;
  readonly dramPjPerBit: number;
  readonly activationsOffChip: boolean;
}

export const bitFusionPlugin = definePlugin<'hardware', BitFusionOptions>({
  kind: 'hardware',
  name: 'bitfusion',
  description: 'Bit Fusion (Sharma et al., ISCA 2018): 2-bit BitBricks fused, throughput floor(8/a)*floor(8/w)',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      fusionUnits: {
        type: 'integer', minimum: 1, default: 512,
        description: 'Fusion Units, 16 BitBricks each (512 = a 16x32 array, the ISCA 2018 configuration)',
      },
      frequencyMhz: frequencyOption(500, 'the ISCA 2018 45 nm design'),
      activationBits: activationBitsOption,
      brickPj: {
        type: 'number', minimum: 0, default: 0.0125,
        description: 'pJ per BitBrick (2x2-bit) operation: 4 bit-pair products at 0.003125 pJ (assumption)',
      },
      ...memoryEnergyOptions,
    },
  },
  create(o): HardwareTarget {
    return {
      cost: (layers, precision) => buildReport('bitfusion', { latency: 'us', energy: 'uJ' }, layers, precision, (layer, p) => {
        const bits = runBits(p, o.activationBits);
        // Operands are stored at the fused width (2/4/8 bits), so memory traffic uses it too.
        const w = fusedBits(bits.w), a = fusedBits(bits.a);
        return latencyEnergy(layer, bitFusionCost(layer, w, a, o.fusionUnits), w, a, o.frequencyMhz, o.brickPj, o);
      }),
    };
  },
});
