/** Option schema pieces every hardware target shares. */
export const activationBitsOption = {
  type: 'integer',
  minimum: 1,
  maximum: 16,
  default: 8,
  description:
    'Activation bits for layers whose assignment leaves activations unquantized (32); ReLeQ quantizes weights only',
} as const;

/** Memory-access energies (pJ per bit) shared by the accelerator models; sources in docs/hardware.md. */
export const memoryEnergyOptions = {
  sramPjPerBit: {
    type: 'number', minimum: 0, default: 0.15625,
    description: 'pJ per bit read from on-chip SRAM (5 pJ per 32-bit read, Horowitz ISSCC 2014, 45 nm)',
  },
  dramPjPerBit: {
    type: 'number', minimum: 0, default: 20,
    description: 'pJ per bit moved off chip (640 pJ per 32-bit DRAM access, Horowitz 2014); 0 = all on chip',
  },
  activationsOffChip: {
    type: 'boolean', default: false,
    description: 'Charge DRAM for input/output activations too (default: they stay in on-chip buffers, batch 1)',
  },
} as const;

export const frequencyOption = (defaultMhz: number, source: string) => ({
  type: 'number', exclusiveMinimum: 0, default: defaultMhz, description: `Clock in MHz (${source})`,
}) as const;
