import type { LayerInfo } from '../registry/contracts/layer-table.js';

/** A layer as the GEMM the bit-serial kernel runs: out[M][N] = act[M][K] x weight[N][K]^T. */
export interface GemmGeometry {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** Present for conv layers, whose activations are packed straight from an NHWC input (fused im2col). */
  readonly conv: ConvGeometry | null;
}

export interface ConvGeometry {
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly kernel: number;
  readonly stride: number;
  readonly pad: number;
  readonly outH: number;
  readonly outW: number;
}

/**
 * The GEMM view of a layer (im2col for conv, batch 1). Padding is whatever makes the table's
 * output size come out. Depthwise conv has no GEMM of its own (TVM has no bit-serial depthwise
 * operator): it is costed as M x C outputs of K = k*k each, the same popcount work.
 */
export function gemmGeometry(layer: LayerInfo): GemmGeometry {
  const pixels = layer.outSpatial * layer.outSpatial;
  if (layer.kind === 'dense') return { m: 1, n: layer.outChannels, k: layer.inChannels, conv: null };
  if (layer.kind === 'depthwise') {
    return { m: pixels, n: layer.outChannels, k: layer.kernelSize * layer.kernelSize, conv: null };
  }
  const need = (layer.outSpatial - 1) * layer.stride + layer.kernelSize - layer.inSpatial;
  const pad = Math.max(0, Math.ceil(need / 2));
  return {
    m: pixels,
    n: layer.outChannels,
    k: layer.kernelSize * layer.kernelSize * layer.inChannels,
    conv: {
      h: layer.inSpatial, w: layer.inSpatial, c: layer.inChannels, kernel: layer.kernelSize,
      stride: layer.stride, pad, outH: layer.outSpatial, outW: layer.outSpatial,
    },
  };
}

/** A key that is equal for layers the kernel runs identically (used by the timing cache). */
export function shapeKey(layer: LayerInfo): string {
  const g = gemmGeometry(layer);
  if (g.conv === null) return `${layer.kind}:m${g.m}n${g.n}k${g.k}`;
  const c = g.conv;
  return `conv:${c.h}x${c.w}x${c.c}k${c.kernel}s${c.stride}p${c.pad}n${g.n}`;
}
