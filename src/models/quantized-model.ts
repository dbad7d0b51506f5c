import * as tf from '@tensorflow/tfjs';
import type { QuantizableModel } from '../registry/contracts/network.js';
import { FULL_PRECISION_BITS, type Bitwidths, type LayerInfo } from '../registry/contracts/layer-table.js';
import { ReleqError } from '../errors.js';
import { checkBits } from './quantize-ops.js';
import type { QuantizedLayer } from './quantized-layers.js';

/**
 * A LayersModel plus the handles of its quantized layers, in layer-table order.
 * `hidden` layers are quantized but not searched (e.g. ResNet-20's 1x1 shortcuts): they run at
 * `hiddenBits` whenever any table layer is quantized, and at full precision when all table layers
 * are at 32 bits (so pretraining is full precision everywhere).
 */
export class QuantizedModel implements QuantizableModel {
  constructor(
    readonly model: tf.LayersModel,
    private readonly table: readonly QuantizedLayer[],
    private readonly hidden: readonly QuantizedLayer[] = [],
    private hiddenBits = 8,
  ) {
    checkBits(hiddenBits, 'hidden layer bits');
  }

  /** Quantized layers in layer-table order (their `bits` fields are what setBitwidths writes). */
  get layers(): readonly QuantizedLayer[] {
    return this.table;
  }

  /** Quantized layers outside the table. */
  get hiddenLayers(): readonly QuantizedLayer[] {
    return this.hidden;
  }

  setBitwidths(bits: Bitwidths): void {
    if (bits.length !== this.table.length) {
      throw new ReleqError('config', `setBitwidths: ${this.model.name} has ${this.table.length} quantizable layers, got ${bits.length} bitwidths`, {
        hint: `give one bitwidth per layer, in layer-table order: ${this.table.map((l) => l.name).join(', ')}`,
      });
    }
    bits.forEach((b, i) => checkBits(b, `setBitwidths: layer ${i} (${this.table[i]!.name})`));
    bits.forEach((b, i) => { this.table[i]!.bits = b; });
    this.applyHiddenBits();
  }

  /** The weight bitwidths now in force, in layer-table order. */
  getBitwidths(): number[] {
    return this.table.map((l) => l.bits);
  }

  /** Bitwidth of the hidden (unsearched) quantized layers while the model is quantized. */
  setHiddenBits(bits: number): void {
    checkBits(bits, 'setHiddenBits');
    this.hiddenBits = bits;
    this.applyHiddenBits();
  }

  private applyHiddenBits(): void {
    const fullPrecision = this.table.every((l) => l.bits === FULL_PRECISION_BITS);
    for (const l of this.hidden) l.bits = fullPrecision ? FULL_PRECISION_BITS : this.hiddenBits;
  }

  /** Activation bitwidth of every quantized layer's input (null = full precision); no rebuild. */
  setActivationBits(bits: number | null): void {
    if (bits !== null) checkBits(bits, 'setActivationBits');
    for (const l of [...this.table, ...this.hidden]) l.activationBits = bits;
  }

  layerTable(): LayerInfo[] {
    return describe(this.table);
  }

  /** Rows of the quantized layers outside the table (for costing everything the model computes). */
  hiddenLayerTable(): LayerInfo[] {
    return describe(this.hidden);
  }

  dispose(): void {
    this.model.dispose();
  }
}

function describe(layers: readonly QuantizedLayer[]): LayerInfo[] {
  return layers.map((layer) => ({
    name: layer.name,
    ...layer.geometry(),
    weightStd: standardDeviation(layer.kernelVariable()),
  }));
}

/** Population standard deviation, as torch.std(unbiased=False) / numpy.std. */
function standardDeviation(x: tf.Tensor): number {
  return tf.tidy(() => Math.sqrt(tf.moments(x).variance.dataSync()[0]!));
}
