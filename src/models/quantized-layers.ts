/**
 * Conv2D, DepthwiseConv2D and Dense layers that keep full-precision shadow weights as trainable
 * variables and run the forward pass on `quantizer.quantizeWeights(kernel, bits)`.
 * `bits` and `activationBits` are plain mutable fields: tfjs runs eagerly, so changing them takes
 * effect on the next call with no rebuild and no recompile. Biases stay at full precision.
 */
import * as tf from '@tensorflow/tfjs';
import type { Quantizer } from '../registry/contracts/quantizer.js';
import { FULL_PRECISION_BITS, type LayerInfo, type LayerKind } from '../registry/contracts/layer-table.js';

export type FusedActivation = 'linear' | 'relu' | 'relu6';
/** 'same' / 'valid' as in Keras, or a number for symmetric explicit padding (PyTorch style). */
export type Padding = 'same' | 'valid' | number;
type Shape = Array<number | null>;
type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

export interface QuantizedLayerArgs {
  readonly name: string;
  readonly quantizer: Quantizer;
  /** Seed of the kernel initializer (deterministic builds). */
  readonly seed: number;
  readonly useBias: boolean;
  readonly activation: FusedActivation;
  /** Weight bitwidth to start with (32 = full precision). */
  readonly bits?: number;
  readonly activationBits?: number | null;
  /** Quantize this layer's input when activationBits is set (false for the layer fed by the image). */
  readonly quantizeInput?: boolean;
}

export interface ConvArgs extends QuantizedLayerArgs {
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: Padding;
}

/** Static geometry of a quantizable layer: its layer-table row without the name and weight statistics. */
export type LayerGeometry = Omit<LayerInfo, 'name' | 'weightStd'>;

export function convOutputSize(size: number, kernel: number, stride: number, padding: Padding): number {
  if (padding === 'same') return Math.ceil(size / stride);
  const pad = padding === 'valid' ? 0 : padding;
  return Math.floor((size + 2 * pad - kernel) / stride) + 1;
}

function firstShape(inputShape: Shape | Shape[]): Shape {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
}

function oneTensor(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0]! : inputs;
}

/** Shared state and behaviour of the three quantized layer types. */
export abstract class QuantizedLayer extends tf.layers.Layer {
  abstract readonly kind: LayerKind;
  readonly quantizer: Quantizer;
  bits: number;
  activationBits: number | null;
  readonly quantizeInput: boolean;
  protected readonly seed: number;
  protected readonly useBias: boolean;
  protected readonly activation: FusedActivation;
  protected kernel: tf.LayerVariable | null = null;
  protected bias: tf.LayerVariable | null = null;

  constructor(args: QuantizedLayerArgs) {
    super({ name: args.name } as LayerArgs);
    this.quantizer = args.quantizer;
    this.seed = args.seed;
    this.useBias = args.useBias;
    this.activation = args.activation;
    this.bits = args.bits ?? FULL_PRECISION_BITS;
    this.activationBits = args.activationBits ?? null;
    this.quantizeInput = args.quantizeInput ?? true;
  }

  /** The full-precision shadow kernel (a trainable variable; read() is the tf.Variable). */
  kernelVariable(): tf.Tensor {
    if (this.kernel === null) throw new Error(`layer ${this.name} is not built yet`);
    return this.kernel.read();
  }

  /** Geometry for the layer table; the layer must be part of a built model. */
  abstract geometry(): LayerGeometry;

  protected addKernel(shape: number[], fanInInit: boolean): void {
    // He-normal for ReLU convolutions, Glorot-uniform for dense layers; both seeded.
    const initializer = fanInInit
      ? tf.initializers.heNormal({ seed: this.seed })
      : tf.initializers.glorotUniform({ seed: this.seed });
    this.kernel = this.addWeight('kernel', shape, 'float32', initializer, undefined, true);
    if (this.useBias) {
      this.bias = this.addWeight('bias', [shape[shape.length - 1]!], 'float32', tf.initializers.zeros(), undefined, true);
    }
  }

  protected quantizedKernel(): tf.Tensor {
    return this.quantizer.quantizeWeights(this.kernelVariable(), this.bits);
  }

  protected prepareInput(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = oneTensor(inputs);
    if (this.activationBits === null || !this.quantizeInput) return x;
    return this.quantizer.quantizeActivations(x, this.activationBits);
  }

  protected biasTensor(): tf.Tensor | undefined {
    return this.bias === null ? undefined : this.bias.read();
  }

  protected spatialShapes(): { input: Shape; output: Shape } {
    const input = this.input;
    if (Array.isArray(input)) throw new Error(`layer ${this.name} has more than one input`);
    return { input: input.shape, output: this.outputShape as Shape };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      quantizer: this.quantizer.name,
      bits: this.bits,
      activationBits: this.activationBits,
      quantizeInput: this.quantizeInput,
      useBias: this.useBias,
      activation: this.activation,
    };
  }
}

export class QuantizedConv2D extends QuantizedLayer {
  static className = 'ReleqQuantizedConv2D';
  readonly kind: LayerKind = 'conv';
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: Padding;

  constructor(args: ConvArgs & { readonly filters: number }) {
    super(args);
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.strides = args.strides;
    this.padding = args.padding;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = firstShape(inputShape);
    this.addKernel([this.kernelSize, this.kernelSize, shape[3]!, this.filters], true);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = firstShape(inputShape);
    const size = (n: number | null): number => convOutputSize(n!, this.kernelSize, this.strides, this.padding);
    return [s[0]!, size(s[1]!), size(s[2]!), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => tf.fused.conv2d({
      x: this.prepareInput(inputs) as tf.Tensor4D,
      filter: this.quantizedKernel() as tf.Tensor4D,
      strides: this.strides,
      pad: this.padding,
      bias: this.biasTensor(),
      activation: this.activation,
    }));
  }

  geometry(): LayerGeometry {
    const { input, output } = this.spatialShapes();
    const k = this.kernelSize;
    const c = input[3]!;
    const outSpatial = output[1]!;
    return {
      kind: 'conv', outChannels: this.filters, inChannels: c, kernelSize: k, stride: this.strides,
      inSpatial: input[1]!, outSpatial,
      macs: outSpatial * output[2]! * k * k * c * this.filters,
      params: k * k * c * this.filters,
    };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, strides: this.strides, padding: this.padding };
  }
}

/** Depthwise convolution with channel multiplier 1 (MobileNet); inChannels is 1 in the layer table. */
export class QuantizedDepthwiseConv2D extends QuantizedLayer {
  static className = 'ReleqQuantizedDepthwiseConv2D';
  readonly kind: LayerKind = 'depthwise';
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: Padding;

  constructor(args: ConvArgs) {
    super(args);
    this.kernelSize = args.kernelSize;
    this.strides = args.strides;
    this.padding = args.padding;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = firstShape(inputShape);
    this.addKernel([this.kernelSize, this.kernelSize, shape[3]!, 1], true);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = firstShape(inputShape);
    const size = (n: number | null): number => convOutputSize(n!, this.kernelSize, this.strides, this.padding);
    return [s[0]!, size(s[1]!), size(s[2]!), s[3]!];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => tf.fused.depthwiseConv2d({
      x: this.prepareInput(inputs) as tf.Tensor4D,
      filter: this.quantizedKernel() as tf.Tensor4D,
      strides: this.strides,
      pad: this.padding,
      bias: this.biasTensor(),
      activation: this.activation,
    }));
  }

  geometry(): LayerGeometry {
    const { input, output } = this.spatialShapes();
    const k = this.kernelSize;
    const channels = input[3]!;
    return {
      kind: 'depthwise', outChannels: channels, inChannels: 1, kernelSize: k, stride: this.strides,
      inSpatial: input[1]!, outSpatial: output[1]!,
      macs: output[1]! * output[2]! * k * k * channels,
      params: k * k * channels,
    };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), kernelSize: this.kernelSize, strides: this.strides, padding: this.padding };
  }
}

export class QuantizedDense extends QuantizedLayer {
  static className = 'ReleqQuantizedDense';
  readonly kind: LayerKind = 'dense';
  readonly units: number;

  constructor(args: QuantizedLayerArgs & { readonly units: number }) {
    super(args);
    this.units = args.units;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = firstShape(inputShape);
    this.addKernel([shape[shape.length - 1]!, this.units], false);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = firstShape(inputShape);
    return [...s.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => tf.fused.matMul({
      a: this.prepareInput(inputs) as tf.Tensor2D,
      b: this.quantizedKernel() as tf.Tensor2D,
      bias: this.biasTensor(),
      activation: this.activation,
    }));
  }

  geometry(): LayerGeometry {
    const { input } = this.spatialShapes();
    const c = input[input.length - 1]!;
    return {
      kind: 'dense', outChannels: this.units, inChannels: c, kernelSize: 0, stride: 1,
      inSpatial: 1, outSpatial: 1, macs: c * this.units, params: c * this.units,
    };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}
