import { ReleqError } from '../errors.js';
import type { CostReport, LayerCost, LayerPrecision } from '../registry/contracts/hardware.js';
import type { LayerInfo } from '../registry/contracts/layer-table.js';

/**
 * Bits a layer is costed at. 32 ("not quantized") and anything above 16 are costed as 16-bit
 * fixed point: the bit-parallel baseline of Stripes and Loom, and the widest the kernel packs.
 */
export const UNQUANTIZED_COST_BITS = 16;

export function costBits(bits: number): number {
  return Math.min(bits, UNQUANTIZED_COST_BITS);
}

/** The bits a layer is costed at; activations the assignment leaves unquantized (32) take `activationBits`. */
export function runBits(p: LayerPrecision, activationBits: number): { w: number; a: number } {
  return { w: costBits(p.weightBits), a: costBits(p.activationBits >= 32 ? activationBits : p.activationBits) };
}

/** The 8/8 assignment every report compares against. */
export const BASELINE: LayerPrecision = { weightBits: 8, activationBits: 8 };

/** Throws a hardware error naming the target when the assignment does not fit the layer table. */
export function checkAssignment(target: string, layers: readonly LayerInfo[], precision: readonly LayerPrecision[]): void {
  if (layers.length === 0) throw new ReleqError('hardware', `${target}: the layer table is empty`);
  if (precision.length !== layers.length) {
    throw new ReleqError('hardware', `${target}: ${precision.length} precisions for ${layers.length} layers`, {
      hint: 'give one (weightBits, activationBits) pair per layer of the layer table, in network order',
    });
  }
  precision.forEach((p, i) => {
    for (const [key, v] of [['weightBits', p.weightBits], ['activationBits', p.activationBits]] as const) {
      if (!Number.isInteger(v) || v < 1 || v > 32) {
        throw new ReleqError('hardware', `${target}: layer ${i} (${layers[i]!.name}) has ${key} ${v}`, {
          hint: 'bits must be integers in 1..32 (32 = not quantized)',
        });
      }
    }
  });
}

export interface LayerEstimate {
  readonly latency: number;
  readonly energy: number | null;
}

/**
 * Costs every layer at its precision and at 8/8 and assembles the report; the per-layer function
 * is the only thing a target supplies.
 */
export async function buildReport(
  target: string,
  units: CostReport['units'],
  layers: readonly LayerInfo[],
  precision: readonly LayerPrecision[],
  costLayer: (layer: LayerInfo, p: LayerPrecision, index: number) => LayerEstimate | Promise<LayerEstimate>,
): Promise<CostReport> {
  checkAssignment(target, layers, precision);
  const perLayer: LayerCost[] = [];
  let latency = 0, energy: number | null = 0, baseLatency = 0, baseEnergy: number | null = 0;
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]!;
    const cost = await costLayer(layer, precision[i]!, i);
    const base = await costLayer(layer, BASELINE, i);
    perLayer.push({ layer: layer.name, latency: cost.latency, energy: cost.energy });
    latency += cost.latency;
    baseLatency += base.latency;
    energy = energy === null || cost.energy === null ? null : energy + cost.energy;
    baseEnergy = baseEnergy === null || base.energy === null ? null : baseEnergy + base.energy;
  }
  return {
    target,
    units,
    perLayer,
    total: { latency, energy },
    baseline: { latency: baseLatency, energy: baseEnergy },
    speedup: baseLatency / latency,
    energyReduction: energy === null || baseEnergy === null ? null : baseEnergy / energy,
  };
}
