import type { LayerInfo } from './layer-table.js';

export interface LayerPrecision {
  readonly weightBits: number;
  readonly activationBits: number;
}

export interface LayerCost {
  readonly layer: string;
  readonly latency: number;
  /** null when the target has no energy model. */
  readonly energy: number | null;
}

export interface CostTotals {
  readonly latency: number;
  readonly energy: number | null;
}

export interface CostReport {
  readonly target: string;
  readonly units: { readonly latency: string; readonly energy: string | null };
  readonly perLayer: readonly LayerCost[];
  readonly total: CostTotals;
  /** The same network with every layer at 8-bit weights and 8-bit activations. */
  readonly baseline: CostTotals;
  /** baseline latency / total latency. */
  readonly speedup: number;
  /** baseline energy / total energy (null without an energy model). */
  readonly energyReduction: number | null;
}

/** Costs an assignment for a layer table. Knows nothing about training. */
export interface HardwareTarget {
  cost(layers: readonly LayerInfo[], precision: readonly LayerPrecision[]): Promise<CostReport>;
  dispose?(): Promise<void>;
}
