import { LutTable } from '../../src/hardware/lut-table.js';
import { activationBitsOption } from '../../src/hardware/plugin-options.js';
import { buildReport } from '../../src/hardware/precision.js';
import type { HardwareTarget } from '../../src/registry/contracts/index.js';
import { definePlugin } from '../../src/registry/plugin.js';

export interface LutOptions {
  readonly file: string;
  readonly activationBits: number;
}

export const lutPlugin = definePlugin<'hardware', LutOptions>({
  kind: 'hardware',
  name: 'lut',
  description: "Measured latency/energy per layer and (w_bits, a_bits) from a JSON table, as HAQ's lookup tables",
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['file'],
    properties: {
      file: {
        type: 'string', minLength: 1, releqPath: true,
        description: 'JSON table following schemas/hardware-lut.schema.json (relative to the experiment file)',
      },
      activationBits: activationBitsOption,
    },
  },
  create(o, ctx): HardwareTarget {
    const table = LutTable.load(ctx.resolvePath(o.file));
    return {
      cost: (layers, precision) => buildReport('lut', table.units, layers, precision, (layer, p) =>
        // Bits are looked up as given (no 16-bit cap): a table may hold "32/8" for unquantized layers.
        table.lookup(layer.name, p.weightBits, p.activationBits >= 32 ? o.activationBits : p.activationBits)),
    };
  },
});
