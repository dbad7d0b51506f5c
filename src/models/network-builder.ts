/**
 * A small functional-API helper the network plugins share: it names layers, derives every layer's
 * initializer seed from (build seed, layer name), and records the quantized layers in network order.
 */
import * as tf from '@tensorflow/tfjs';
import type { NetworkBuildOptions } from '../registry/contracts/network.js';
import { Rng } from '../services/rng.js';
import {
  QuantizedConv2D, QuantizedDense, QuantizedDepthwiseConv2D, type FusedActivation, type Padding, type QuantizedLayer,
} from './quantized-layers.js';
import { AdaptiveAvgPoolFlatten, SeededDropout } from './extra-layers.js';
import { QuantizedModel } from './quantized-model.js';

type Sym = tf.SymbolicTensor;

export interface ConvSpec {
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides?: number;
  readonly padding?: Padding;
  readonly activation?: FusedActivation;
  readonly useBias?: boolean;
  /** false: quantized but left out of the layer table (see QuantizedModel's hidden layers). */
  readonly inTable?: boolean;
}

export class NetworkBuilder {
  private readonly table: QuantizedLayer[] = [];
  private readonly hidden: QuantizedLayer[] = [];

  constructor(private readonly options: NetworkBuildOptions) {}

  input(shape: readonly [number, number, number]): Sym {
    return tf.input({ shape: [...shape], name: 'input' });
  }

  conv(x: Sym, name: string, spec: ConvSpec): Sym {
    const layer = new QuantizedConv2D({
      ...this.common(name),
      filters: spec.filters,
      kernelSize: spec.kernelSize,
      strides: spec.strides ?? 1,
      padding: spec.padding ?? 'same',
      useBias: spec.useBias ?? true,
      activation: spec.activation ?? 'linear',
    });
    return this.track(layer, spec.inTable, x);
  }

  depthwise(x: Sym, name: string, spec: Omit<ConvSpec, 'filters'>): Sym {
    const layer = new QuantizedDepthwiseConv2D({
      ...this.common(name),
      kernelSize: spec.kernelSize,
      strides: spec.strides ?? 1,
      padding: spec.padding ?? 'same',
      useBias: spec.useBias ?? true,
      activation: spec.activation ?? 'linear',
    });
    return this.track(layer, spec.inTable, x);
  }

  dense(x: Sym, name: string, spec: { units: number; activation?: FusedActivation; useBias?: boolean }): Sym {
    const layer = new QuantizedDense({
      ...this.common(name),
      units: spec.units,
      useBias: spec.useBias ?? true,
      activation: spec.activation ?? 'linear',
    });
    return this.track(layer, true, x);
  }

  /** Keras BatchNormalization defaults (momentum 0.99, epsilon 1e-3), as the MobileNet weights use. */
  batchNorm(x: Sym, name: string): Sym {
    return tf.layers.batchNormalization({ name, axis: -1, momentum: 0.99, epsilon: 1e-3 }).apply(x) as Sym;
  }

  activation(x: Sym, name: string, activation: 'relu' | 'relu6'): Sym {
    return tf.layers.activation({ name, activation }).apply(x) as Sym;
  }

  maxPool(x: Sym, name: string, poolSize: number, strides = poolSize): Sym {
    return tf.layers.maxPooling2d({ name, poolSize, strides, padding: 'valid' }).apply(x) as Sym;
  }

  dropout(x: Sym, name: string, rate: number): Sym {
    return new SeededDropout({ name, rate, rng: Rng.stream(this.options.seed, `dropout/${name}`) }).apply(x) as Sym;
  }

  flatten(x: Sym, name: string): Sym {
    return tf.layers.flatten({ name }).apply(x) as Sym;
  }

  globalAveragePool(x: Sym, name: string): Sym {
    return tf.layers.globalAveragePooling2d({ name }).apply(x) as Sym;
  }

  adaptiveAvgPoolFlatten(x: Sym, name: string, size: number): Sym {
    return new AdaptiveAvgPoolFlatten({ name, size }).apply(x) as Sym;
  }

  add(xs: Sym[], name: string): Sym {
    return tf.layers.add({ name }).apply(xs) as Sym;
  }

  /** `hiddenBits`: bitwidth of the layers built with inTable false, while the model is quantized. */
  finish(input: Sym, output: Sym, name: string, hiddenBits = 8): QuantizedModel {
    return new QuantizedModel(tf.model({ inputs: input, outputs: output, name }), this.table, this.hidden, hiddenBits);
  }

  private common(name: string) {
    const first = this.table.length === 0 && this.hidden.length === 0;
    return {
      name,
      quantizer: this.options.quantizer,
      seed: Rng.stream(this.options.seed, `init/${name}`).seed(),
      activationBits: this.options.activationBits,
      // the first layer sees the (normalised, signed) image: its input stays at full precision
      quantizeInput: !first,
    };
  }

  private track(layer: QuantizedLayer, inTable: boolean | undefined, x: Sym): Sym {
    (inTable === false ? this.hidden : this.table).push(layer);
    return layer.apply(x) as Sym;
  }
}
