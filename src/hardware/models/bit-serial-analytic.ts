import type { LayerInfo } from '../../registry/contracts/layer-table.js';
import { gemmGeometry } from '../layer-geometry.js';

/**
 * The bit-serial kernel's work counted in 64-bit word operations, for machines where it cannot
 * be timed. GEMM: one AND + popcount + add per weight word x activation word of every plane
 * pair, N rounded up to the kernel's 8 lanes: M * ceil8(N) * KW * w * a, i.e. MACs * w * a / 64
 * (plus padding). Packing: each output pixel gathers its patch (about 2 word operations per
 * word of K) and builds `a` plane words per word of K. Weights are packed once, off-line.
 */
export function bitSerialWordOps(layer: LayerInfo, wBits: number, aBits: number): number {
  const g = gemmGeometry(layer);
  const kw = Math.ceil(g.k / 64);
  const lanes = Math.ceil(g.n / 8) * 8;
  const gemm = g.m * lanes * kw * wBits * aBits;
  const packing = g.m * kw * (aBits + 2);
  return gemm + packing;
}
