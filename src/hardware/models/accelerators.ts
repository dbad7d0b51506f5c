import type { LayerInfo } from '../../registry/contracts/layer-table.js';
import { gemmGeometry } from '../layer-geometry.js';

/**
 * Analytic models of three precision-scalable accelerators. Each returns a layer's cycles and
 * the number of its own compute operations; energy is then
 *   ops * opPj + weight bits * (sram + dram) + activation bits * (sram [+ dram])
 * per image (batch 1): every weight comes from DRAM once and is read from SRAM once; input and
 * output activations stay in on-chip buffers unless `activationsOffChip`. Defaults and their
 * sources are in docs/hardware.md.
 */
export interface MemoryEnergy {
  /** Energy per bit read from on-chip SRAM (pJ). */
  readonly sramPjPerBit: number;
  /** Energy per bit moved to/from off-chip DRAM (pJ); 0 models a design that keeps all on chip. */
  readonly dramPjPerBit: number;
  /** Charge DRAM for every input and output activation too (a design without room on chip). */
  readonly activationsOffChip: boolean;
}

export interface ModelCost {
  readonly cycles: number;
  readonly ops: number;
}

/** Bits of weights and of input + output activations a layer moves for one image. */
export function bitsMoved(layer: LayerInfo, w: number, a: number): { weights: number; activations: number } {
  const inputs = layer.kind === 'dense' ? layer.inChannels : layer.inSpatial * layer.inSpatial * layer.inChannels;
  const outputs = layer.kind === 'dense' ? layer.outChannels : layer.outSpatial * layer.outSpatial * layer.outChannels;
  return { weights: layer.params * w, activations: (inputs + outputs) * a };
}

/** Latency in microseconds and energy in microjoules of one layer. */
export function latencyEnergy(
  layer: LayerInfo, cost: ModelCost, w: number, a: number, frequencyMhz: number, opPj: number, mem: MemoryEnergy,
): { latency: number; energy: number } {
  const bits = bitsMoved(layer, w, a);
  const pj = cost.ops * opPj + bits.weights * (mem.sramPjPerBit + mem.dramPjPerBit) +
    bits.activations * (mem.sramPjPerBit + (mem.activationsOffChip ? mem.dramPjPerBit : 0));
  return { latency: cost.cycles / frequencyMhz, energy: pj * 1e-6 };
}

export interface StripesGeometry {
  readonly tiles: number;
  /** Filters (output channels) per tile. */
  readonly filters: number;
  /** Windows (output pixels) processed together: Stripes' added parallelism. */
  readonly windows: number;
  /** Products per serial inner-product unit (reduction lanes). */
  readonly lanes: number;
  readonly serial: 'weights' | 'activations';
}

/**
 * Stripes (Judd et al., MICRO 2016): serial inner-product units take one bit of the serial
 * operand per cycle against the full-width other operand, so a pass costs `p` cycles where p is
 * the serial operand's precision. Parallel work: tiles x filters output channels, `windows`
 * output pixels, `lanes` products each. A fully connected layer has one window, so its
 * reduction is spread over windows x lanes instead (assumption, see docs/hardware.md).
 * ops = serial steps of one lane (a p-bit x full-width product takes p steps).
 */
export function stripesCost(layer: LayerInfo, w: number, a: number, g: StripesGeometry): ModelCost {
  const p = g.serial === 'weights' ? w : a;
  const { m, n, k } = gemmGeometry(layer);
  const filterPasses = Math.ceil(n / (g.tiles * g.filters));
  const passes = m === 1
    ? filterPasses * Math.ceil(k / (g.lanes * g.windows))
    : filterPasses * Math.ceil(m / g.windows) * Math.ceil(k / g.lanes);
  return { cycles: passes * p, ops: layer.macs * p };
}

/**
 * Loom (Sharify et al., DAC 2018): both operands bit-serial in conv layers, so time scales with
 * Pw * Pa / (16 * 16) against an equally provisioned 16-bit bit-parallel engine; fully connected
 * layers stream weights serially, time Pw / 16. ops = bit-pair (conv) or bit x word (fc) steps.
 */
export function loomCost(layer: LayerInfo, w: number, a: number, parallelMacsPerCycle: number): ModelCost {
  const parallelCycles = Math.ceil(layer.macs / parallelMacsPerCycle);
  if (layer.kind === 'dense') return { cycles: (parallelCycles * w) / 16, ops: layer.macs * w * 16 };
  return { cycles: (parallelCycles * w * a) / 256, ops: layer.macs * w * a };
}

/** Bit Fusion's operand width: 2, 4 or 8 bits (2-bit BitBricks fused), beyond 8 in 8-bit steps. */
export function fusedBits(bits: number): number {
  if (bits <= 2) return 2;
  if (bits <= 4) return 4;
  return 8 * Math.ceil(bits / 8);
}

/**
 * Bit Fusion's throughput factor over 8/8: floor(8/a) * floor(8/w) products per Fusion Unit per
 * cycle for a, w in {2, 4, 8}; wider operands take ceil(a/8) * ceil(w/8) cycles (temporal fusion).
 */
export function bitFusionFactor(w: number, a: number): number {
  const fw = fusedBits(w), fa = fusedBits(a);
  if (fw <= 8 && fa <= 8) return Math.floor(8 / fa) * Math.floor(8 / fw);
  return 1 / (Math.ceil(fa / 8) * Math.ceil(fw / 8));
}

/**
 * Bit Fusion (Sharma et al., ISCA 2018): `fusionUnits` units, each 16 BitBricks (2x2-bit
 * multipliers) fused per layer. ops = BitBrick operations (a 2x2-bit product each).
 */
export function bitFusionCost(layer: LayerInfo, w: number, a: number, fusionUnits: number): ModelCost {
  const factor = bitFusionFactor(w, a);
  const bricksPerMac = (fusedBits(w) / 2) * (fusedBits(a) / 2);
  return { cycles: Math.ceil(layer.macs / (fusionUnits * factor)), ops: layer.macs * bricksPerMac };
}
