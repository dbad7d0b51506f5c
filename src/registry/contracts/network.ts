import type { LayersModel } from '@tensorflow/tfjs';
import type { Bitwidths, LayerInfo } from './layer-table.js';
import type { Quantizer } from './quantizer.js';

export interface NetworkBuildOptions {
  readonly quantizer: Quantizer;
  /** Seed for weight initialisation (and dropout masks). */
  readonly seed: number;
  /** Bitwidth for activations, or null to keep them at full precision (the paper's default). */
  readonly activationBits: number | null;
}

/**
 * A built model whose quantizable layers take per-layer bitwidths without being rebuilt.
 * It starts at full precision (every layer at 32 bits). `model` outputs logits (no softmax);
 * train it with model.fit / trainOnBatch so batch norm and dropout see training = true.
 */
export interface QuantizableModel {
  readonly model: LayersModel;
  /** Sets every quantizable layer's weight bitwidth, in layer-table order; no recompile. */
  setBitwidths(bits: Bitwidths): void;
  /** The weight bitwidths now in force, in layer-table order. */
  getBitwidths(): number[];
  /** Bitwidth of every quantized layer's input activations (null = full precision); no recompile. */
  setActivationBits(bits: number | null): void;
  /** The layer table, with weight standard deviations read from the current weights. */
  layerTable(): LayerInfo[];
  dispose(): void;
}

export interface Network {
  /** [height, width, channels] the network is built for. */
  readonly inputShape: readonly [number, number, number];
  readonly numClasses: number;
  /** Layer-table indices kept at fixed bits unless the experiment says otherwise. */
  readonly defaultFixedLayers: readonly number[];
  build(options: NetworkBuildOptions): QuantizableModel;
}
