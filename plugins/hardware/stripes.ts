import { latencyEnergy, stripesCost, type StripesGeometry } from '../../src/hardware/models/accelerators.js';
import { activationBitsOption, frequencyOption, memoryEnergyOptions } from '../../src/hardware/plugin-options.js';
import { buildReport, runBits } from '../../src/hardware/precision.js';
import type { HardwareTarget } from '../../src/registry/contracts/index.js';
import { definePlugin } from '../../src/registry/plugin.js';

export interface StripesOptions extends StripesGeometry {
  readonly frequencyMhz: number;
  readonly activationBits: number;
  readonly stepPj: number;
  readonly sramPjPerBit: number;
  readonly dramPjPerBit: number;
  readonly activationsOffChip: boolean;
}

const count = (def: number, description: string) => ({ type: 'integer', minimum: 1, default: def, description }) as const;

export const stripesPlugin = definePlugin<'hardware', StripesOptions>({
  kind: 'hardware',
  name: 'stripes',
  description: "Stripes bit-serial accelerator (Judd et al., MICRO 2016): time ∝ the serial operand's precision",
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      serial: {
        type: 'string', enum: ['weights', 'activations'], default: 'weights',
        description: 'Operand fed bit-serially: weights (what ReLeQ quantizes) or activations (the original Stripes)',
      },
      tiles: count(16, 'Tiles (16 in Stripes, as in DaDianNao)'),
      filters: count(16, 'Filters (output channels) per tile (16 in Stripes)'),
      windows: count(16, 'Windows (output pixels) processed together (16 in Stripes)'),
      lanes: count(16, 'Products per serial inner-product unit (16 in Stripes)'),
      frequencyMhz: frequencyOption(980, 'assumption: the scaled DaDianNao clock; only scales absolute latency'),
      activationBits: activationBitsOption,
      stepPj: {
        type: 'number', minimum: 0, default: 0.05,
        description: 'pJ per serial step of one lane (1 bit x 16-bit operand + add); assumption from Horowitz 2014',
      },
      ...memoryEnergyOptions,
    },
  },
  create(o): HardwareTarget {
    return {
      cost: (layers, precision) => buildReport('stripes', { latency: 'us', energy: 'uJ' }, layers, precision, (layer, p) => {
        const { w, a } = runBits(p, o.activationBits);
        return latencyEnergy(layer, stripesCost(layer, w, a, o), w, a, o.frequencyMhz, o.stepPj, o);
      }),
    };
  },
});
