import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { WrpnQuantizer, wrpnPlugin } from '../../plugins/quantizers/wrpn.js';
import { DorefaQuantizer, dorefaPlugin } from '../../plugins/quantizers/dorefa.js';
import { quantizerPlugins } from '../../plugins/quantizers/index.js';
import { ReleqError } from '../../src/errors.js';

const wrpn = new WrpnQuantizer({ oneBit: 'binary', activationClip: 1 });
const dorefa = new DorefaQuantizer({ scale: 'unit', activationClip: 1 });

function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

function closeTo(actual: number[], expected: number[], eps = 1e-6): void {
  expect(actual.length).to.equal(expected.length);
  actual.forEach((a, i) => expect(a, `element ${i}: ${a} vs ${expected[i]}`).to.be.closeTo(expected[i]!, eps));
}

/** 201 points in [-1.2, 1.2] shifted off the rounding midpoints (no ties). */
const grid = Array.from({ length: 201 }, (_, i) => -1.2 + 0.012 * i + 0.0001234);

describe('quantizers', () => {
  before(async () => { await tf.ready(); });

  describe('wrpn', () => {
    it('gives the hand-computed levels at 2 and 3 bits', () => {
      const w = tf.tensor1d([-1.5, -0.6, -0.4, 0.1, 0.49, 0.51, 0.9, 1.2]);
      // b = 2: scale 2^1 - 1 = 1 -> round(clamp(w)) in {-1, 0, 1}
      closeTo(values(wrpn.quantizeWeights(w, 2)), [-1, -1, 0, 0, 0, 1, 1, 1]);
      // b = 3: scale 3 -> round(3w)/3: -1.5->-1, -0.6->-1.8->-2/3, -0.4->-1.2->-1/3, 0.1->0, 0.49->1.47->1/3,
      // 0.51->1.53->2/3, 0.9->2.7->1, 1.2->1
      closeTo(values(wrpn.quantizeWeights(w, 3)), [-1, -2 / 3, -1 / 3, 0, 1 / 3, 2 / 3, 1, 1]);
      w.dispose();
    });

    it('has exactly 2^b - 1 levels k/(2^(b-1)-1) and matches the formula for b = 2..8', () => {
      const w = tf.tensor1d(grid);
      for (let b = 2; b <= 8; b++) {
        const s = 2 ** (b - 1) - 1;
        const q = values(wrpn.quantizeWeights(w, b));
        const expected = grid.map((x) => Math.round(Math.max(-1, Math.min(1, x)) * s) / s);
        closeTo(q, expected, 1e-6);
        const levels = new Set(q.map((v) => Math.round(v * s)));
        // the grid step 0.012 is finer than the level spacing 1/s up to b = 7 (1/63), so every level shows
        if (b <= 7) expect(levels.size, `b=${b}`).to.equal(2 ** b - 1);
        for (const l of levels) expect(Math.abs(l)).to.be.at.most(s);
      }
      w.dispose();
    });

    it('passes the gradient straight through inside [-1, 1] and blocks it outside', () => {
      const w = tf.tensor1d([-1.5, -1, -0.5, 0.3, 1, 2]);
      for (const b of [1, 2, 5, 8]) {
        const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(wrpn.quantizeWeights(x, b), tf.tensor1d([1, 2, 3, 4, 5, 6]))))(w);
        closeTo(values(g), [0, 2, 3, 4, 5, 0]);
        g.dispose();
      }
      w.dispose();
    });

    it('makes 1 bit binary (sign * mean|clamp(w)|) or rejects it, as configured', () => {
      const w = tf.tensor1d([-2, -0.5, 0, 0.3]);
      const alpha = (1 + 0.5 + 0 + 0.3) / 4;
      closeTo(values(wrpn.quantizeWeights(w, 1)), [-alpha, -alpha, alpha, alpha]);
      const strict = new WrpnQuantizer({ oneBit: 'reject', activationClip: 1 });
      expect(() => strict.quantizeWeights(w, 1)).to.throw(ReleqError, 'wrpn quantizer: 1 bit gives 2^0 - 1 = 0 levels');
      w.dispose();
    });
  });

  describe('dorefa', () => {
    it('gives the hand-computed values at 2 bits', () => {
      const w = tf.tensor1d([-2, -0.3, 0, 0.25, 1]);
      // t = tanh(w); u = t/(2 max|t|) + 0.5; q = round(3u)/3; w_q = 2q - 1
      const t = [-2, -0.3, 0, 0.25, 1].map(Math.tanh);
      const m = Math.max(...t.map(Math.abs));
      const expected = t.map((x) => 2 * (Math.round(3 * (x / (2 * m) + 0.5)) / 3) - 1);
      // by hand: tanh = [-0.9640, -0.2913, 0, 0.2449, 0.7616], u = [0, 0.3489, 0.5, 0.6270, 0.8950],
      // round(3u) = [0, 1, 2 (1.5: half to even), 2, 3] -> w_q = 2 round(3u)/3 - 1
      closeTo(expected, [-1, -1 / 3, 1 / 3, 1 / 3, 1]);
      closeTo(values(dorefa.quantizeWeights(w, 2)), expected);
      w.dispose();
    });

    it('has exactly 2^b levels 2k/(2^b-1) - 1 and matches the formula for b = 2..8', () => {
      const w = tf.tensor1d(grid);
      const t = grid.map(Math.tanh);
      const m = Math.max(...t.map(Math.abs));
      for (let b = 2; b <= 8; b++) {
        const n = 2 ** b - 1;
        const q = values(dorefa.quantizeWeights(w, b));
        closeTo(q, t.map((x) => 2 * (Math.round(n * (x / (2 * m) + 0.5)) / n) - 1), 1e-5);
        const levels = new Set(q.map((v) => Math.round(((v + 1) / 2) * n)));
        if (b <= 6) expect(levels.size, `b=${b}`).to.equal(2 ** b);
        for (const l of levels) expect(l).to.be.within(0, n);
      }
      w.dispose();
    });

    it('rounds straight-through: the gradient equals that of the unrounded formula', () => {
      const w = tf.tensor1d([-0.8, -0.1, 0.2, 0.5, 0.7]);
      const weights = tf.tensor1d([1, -2, 3, 0.5, 2]);
      const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(dorefa.quantizeWeights(x, 3), weights)))(w);
      const smooth = tf.grad((x: tf.Tensor) => {
        const t = tf.tanh(x);
        const u = tf.add(tf.div(t, tf.mul(tf.max(tf.abs(t)), 2)), 0.5);
        return tf.sum(tf.mul(tf.sub(tf.mul(u, 2), 1), weights));
      })(w);
      closeTo(values(g), values(smooth), 1e-5);
      expect(values(g).some((v) => v !== 0)).to.equal(true);
      tf.dispose([w, weights, g, smooth]);
    });
  });

  it('dorefa weight-max scale multiplies the levels by max|w| and the gradient by the same constant', () => {
    const scaled = new DorefaQuantizer({ scale: 'weight-max', activationClip: 1 });
    const w = tf.tensor1d([-0.05, 0.01, 0.02, 0.04]);
    closeTo(values(scaled.quantizeWeights(w, 3)), values(tf.mul(dorefa.quantizeWeights(w, 3), 0.05)));
    const weights = tf.tensor1d([1, 2, -1, 3]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(scaled.quantizeWeights(x, 3), weights)))(w);
    const gUnit = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(dorefa.quantizeWeights(x, 3), weights)))(w);
    closeTo(values(g), values(gUnit).map((v) => v * 0.05), 1e-5);
    tf.dispose([w, weights, g, gUnit]);
  });

  it('leaves weights and activations untouched at 32 bits (the same tensor)', () => {
    const w = tf.tensor1d([-3, 0.1234567, 7]);
    for (const q of [wrpn, dorefa]) {
      expect(q.quantizeWeights(w, 32)).to.equal(w);
      expect(q.quantizeActivations(w, 32)).to.equal(w);
    }
    w.dispose();
  });

  it('quantizes activations to 2^b - 1 steps in [0, clip] with a clamped straight-through gradient', () => {
    const a = tf.tensor1d([-1, 0.1, 0.4, 0.8, 1.6, 2.9, 3.5]);
    const q = new WrpnQuantizer({ oneBit: 'binary', activationClip: 3 });
    // clip 3, b = 2: step 1 -> round(clamp(a, 0, 3)) = [0, 0, 0, 1, 2, 3, 3]
    closeTo(values(q.quantizeActivations(a, 2)), [0, 0, 0, 1, 2, 3, 3]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(q.quantizeActivations(x, 4)))(a);
    closeTo(values(g), [0, 1, 1, 1, 1, 1, 0]);
    // dorefa's default clip 1, b = 3: round(7 clamp(a, 0, 1)) / 7
    closeTo(values(dorefa.quantizeActivations(a, 3)), [0, 1 / 7, 3 / 7, 6 / 7, 1, 1, 1]);
    tf.dispose([a, g]);
  });

  it('rejects bitwidths outside 1..8 and 32 with a message naming the bitwidth', () => {
    const w = tf.tensor1d([0.5]);
    for (const bits of [0, 9, 16, 2.5]) {
      expect(() => dorefa.quantizeWeights(w, bits)).to.throw(ReleqError, `dorefa quantizer: bitwidth ${bits} is not supported`);
      expect(() => wrpn.quantizeWeights(w, bits)).to.throw(ReleqError, `wrpn quantizer: bitwidth ${bits} is not supported`);
    }
    w.dispose();
  });

  it('leaks no tensors in forward and backward passes', () => {
    const w = tf.variable(tf.randomNormal([3, 3, 4, 5], 0, 0.5, 'float32', 1));
    const before = tf.memory().numTensors;
    for (const q of [wrpn, dorefa]) {
      for (const b of [1, 2, 4, 8, 32]) {
        tf.tidy(() => { tf.variableGrads(() => tf.sum(q.quantizeWeights(w, b)), [w]); });
      }
    }
    expect(tf.memory().numTensors).to.equal(before);
    w.dispose();
  });

  it('exports both plugins with complete option schemas', () => {
    expect(quantizerPlugins.map((p) => p.name)).to.deep.equal(['wrpn', 'dorefa']);
    for (const p of [wrpnPlugin, dorefaPlugin]) {
      expect(p.optionsSchema['type']).to.equal('object');
      expect(p.optionsSchema['additionalProperties']).to.equal(false);
      for (const [key, prop] of Object.entries(p.optionsSchema['properties'] as Record<string, Record<string, unknown>>)) {
        expect(prop, `${p.name}.${key}`).to.have.property('default');
        expect(prop, `${p.name}.${key}`).to.have.property('description');
      }
    }
  });
});
