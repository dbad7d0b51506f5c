import { expect } from 'chai';
import { Rng } from '../../src/services/rng.js';
import { type BitSerialKernel, loadKernel, wordsFor } from '../../src/hardware/kernel/native-kernel.js';
import { randomCodes, type WeightEncoding } from '../../src/hardware/kernel/layer-runner.js';
import { im2col, referenceMatmul } from '../../src/hardware/kernel/reference.js';

/** Runs packRows/packWeights/gemm on random codes and returns the kernel's and the reference's outputs. */
function gemmPair(
  kernel: BitSerialKernel, rng: Rng, m: number, n: number, k: number, wBits: number, aBits: number,
  encoding: WeightEncoding, simd: boolean,
): { got: Float64Array; want: Float64Array } {
  const act = randomCodes(rng, m * k, aBits);
  const w = randomCodes(rng, n * k, wBits);
  const kw = wordsFor(k);
  const pa = new BigUint64Array(m * aBits * kw);
  const pw = new BigUint64Array(Math.ceil(n / 8) * 8 * wBits * kw);
  kernel.packRows(act, m, k, aBits, pa);
  kernel.packWeights(w, n, k, wBits, pw);
  const got = new Float64Array(m * n);
  kernel.gemm(pa, m, aBits, pw, n, wBits, k, encoding === 'unipolar', simd, got);
  return { got, want: referenceMatmul(act, m, w, n, k, wBits, encoding) };
}

describe('hardware: bit-serial kernel', function () {
  let kernel: BitSerialKernel;
  before(async function () {
    const load = await loadKernel();
    if (!load.ok) {
      console.log(`    (skipped: bit-serial kernel unavailable: ${load.reason})`);
      this.skip();
    }
    kernel = load.kernel;
  });

  for (const encoding of ['unipolar', 'unsigned'] as const) {
    it(`matches a plain integer matmul for every (w_bits, a_bits) in 1..8, ${encoding} weights`, function () {
      const rng = Rng.stream(7, `kernel-${encoding}`);
      const paths = kernel.simd ? [true, false] : [false];
      for (const simd of paths) {
        for (let wb = 1; wb <= 8; wb++) {
          for (let ab = 1; ab <= 8; ab++) {
            // Odd sizes: M not a multiple of the 4-pixel block, N not of 8 lanes, K not of 64 bits.
            const { got, want } = gemmPair(kernel, rng, 7, 11, 131, wb, ab, encoding, simd);
            expect(Array.from(got), `w${wb} a${ab} simd=${simd}`).to.deep.equal(Array.from(want));
          }
        }
      }
    });
  }

  it('handles every remainder of the 4-row block (1-row dense layers included)', function () {
    const rng = Rng.stream(5, 'rows');
    for (const m of [1, 2, 3, 5, 6]) {
      for (const [wb, ab] of [[1, 8], [3, 5], [8, 8]] as const) {
        const { got, want } = gemmPair(kernel, rng, m, 17, 200, wb, ab, 'unipolar', kernel.simd);
        expect(Array.from(got), `m${m} w${wb} a${ab}`).to.deep.equal(Array.from(want));
      }
    }
  });

  it('handles 16-bit operands (unquantized layers are costed at 16 bits)', function () {
    const { got, want } = gemmPair(kernel, Rng.stream(3, 'k16'), 5, 9, 70, 16, 16, 'unsigned', kernel.simd);
    expect(Array.from(got)).to.deep.equal(Array.from(want));
  });

  it('packs conv patches like im2col (padding and stride)', function () {
    const rng = Rng.stream(11, 'conv');
    const [h, w, c, kk, stride, pad] = [9, 9, 5, 3, 2, 1];
    const outH = Math.floor((h + 2 * pad - kk) / stride) + 1;
    const k = kk * kk * c;
    const input = randomCodes(rng, h * w * c, 4);
    const weights = randomCodes(rng, 6 * k, 3);
    const m = outH * outH;
    const pa = kernel.alignedU64(m * 4 * wordsFor(k)); // 64-byte aligned, as the timed runs use
    const pw = kernel.alignedU64(8 * 3 * wordsFor(k));
    expect(pa.length).to.equal(m * 4 * wordsFor(k));
    kernel.packConv(input, h, w, c, kk, stride, pad, outH, outH, 4, pa);
    kernel.packWeights(weights, 6, k, 3, pw);
    const got = new Float64Array(m * 6);
    kernel.gemm(pa, m, 4, pw, 6, 3, k, true, kernel.simd, got);
    const want = referenceMatmul(im2col(input, h, w, c, kk, stride, pad, outH, outH), m, weights, 6, k, 3, 'unipolar');
    expect(Array.from(got)).to.deep.equal(Array.from(want));
  });

  it('rejects buffers of the wrong size', function () {
    const small = new BigUint64Array(1);
    expect(() => kernel.gemm(small, 4, 8, small, 8, 8, 64, false, false, new Float64Array(32))).to.throw(/sizes do not match/);
  });
});
