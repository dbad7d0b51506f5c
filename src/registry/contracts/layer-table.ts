/**
 * The shared language of the project: a network's quantizable layers, in network order.
 * The RL state, the evaluators and the hardware targets all read this table.
 */
export type LayerKind = 'conv' | 'depthwise' | 'dense';

export interface LayerInfo {
  /** Layer name as it appears in the model (stable across builds). */
  readonly name: string;
  readonly kind: LayerKind;
  /** Output channels n (units for dense). */
  readonly outChannels: number;
  /** Input channels c (1 for depthwise, input features for dense). */
  readonly inChannels: number;
  /** Kernel size k (square); 0 for dense, as the paper's state uses. */
  readonly kernelSize: number;
  /** Stride (1 for dense). */
  readonly stride: number;
  /** Input and output spatial size (square feature maps; 1 for dense). */
  readonly inSpatial: number;
  readonly outSpatial: number;
  /** Multiply-accumulates per image. */
  readonly macs: number;
  /** Weight parameter count (without bias). */
  readonly params: number;
  /** Standard deviation of the layer's full-precision weights. */
  readonly weightStd: number;
}

/** One bitwidth per layer of the layer table; 32 means "not quantized". */
export type Bitwidths = readonly number[];

export const FULL_PRECISION_BITS = 32;
