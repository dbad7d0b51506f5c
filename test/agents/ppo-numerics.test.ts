import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { gae } from '../../src/search/ppo/gae.js';
import { ppoLoss } from '../../src/search/ppo/ppo-loss.js';
import { PolicyNetwork } from '../../src/search/ppo/policy-network.js';
import { Adam } from '../../src/search/ppo/adam.js';
import { Rng } from '../../src/services/rng.js';

describe('PPO numerics', () => {
  before(async () => { await tf.setBackend('cpu'); });

  it('GAE matches a hand-computed episode (lambda 1 and 0.5)', () => {
    const r = gae([0, 0, 1], [0.5, 0.2, 0.4], 0.9, 1);
    // deltas: -0.32, 0.16, 0.6; A = [-0.32 + 0.9 * 0.70, 0.16 + 0.9 * 0.6, 0.6]
    [0.31, 0.70, 0.6].forEach((a, i) => expect(r.advantages[i]).to.be.closeTo(a, 1e-12));
    // lambda = 1: returns are the discounted rewards.
    [0.81, 0.9, 1].forEach((x, i) => expect(r.returns[i]).to.be.closeTo(x, 1e-12));
    const h = gae([0, 0, 1], [0.5, 0.2, 0.4], 0.9, 0.5);
    [-0.1265, 0.43, 0.6].forEach((a, i) => expect(h.advantages[i]).to.be.closeTo(a, 1e-12));
    expect(() => gae([1], [1, 2], 0.9, 1)).to.throw(RangeError);
  });

  it('the clipped surrogate, value loss and entropy match a hand-computed case', () => {
    const out = tf.tidy(() => {
      const p = ppoLoss({
        logProbs: tf.log(tf.tensor2d([[0.5, 0.5], [0.2, 0.8]])) as tf.Tensor2D,
        values: tf.tensor1d([0.5, 0]), actions: tf.tensor1d([0, 1]),
        oldLogProbs: tf.log(tf.tensor1d([0.25, 0.4])) as tf.Tensor1D,
        advantages: tf.tensor1d([1, -1]), returns: tf.tensor1d([1, 1]),
      }, { clip: 0.3, valueCoef: 1, entropyCoef: 0.01 });
      return [p.loss, p.policyLoss, p.valueLoss, p.entropy, p.clipFraction, p.approxKl].map((t) => t.dataSync()[0]!);
    });
    // ratios are 2 and 2: min(2, 1.3) * 1 = 1.3 and min(-2, -1.3) = -2, so the policy loss is 0.35.
    expect(out[1]).to.be.closeTo(0.35, 1e-6);
    expect(out[2]).to.be.closeTo(0.625, 1e-6);
    const entropy = (Math.LN2 - (0.2 * Math.log(0.2) + 0.8 * Math.log(0.8))) / 2;
    expect(out[3]).to.be.closeTo(entropy, 1e-6);
    expect(out[0]).to.be.closeTo(0.35 + 0.625 - 0.01 * entropy, 1e-6);
    expect(out[4]).to.equal(1);
    expect(out[5]).to.be.closeTo(-Math.LN2, 1e-6);
  });

  it('carries the LSTM state from step to step, and unroll reproduces acting', () => {
    const before = tf.memory().numTensors;
    const net = new PolicyNetwork({ featureCount: 3, actionCount: 4, hidden: 8, trunk: 'lstm', temperature: 0.5 }, Rng.stream(3, 'n'));
    const xs = [[0.1, 0.5, 0.9], [0.1, 0.5, 0.9], [0.7, 0.2, 0.3]];
    const { stepwise, fresh, unrolled } = tf.tidy(() => {
      let state = net.initialState(1);
      const stepwise: number[][] = [];
      const fresh: number[][] = [];
      for (const x of xs) {
        const r = net.step(tf.tensor2d([x]), state);
        stepwise.push(Array.from(r.logProbs.dataSync()));
        fresh.push(Array.from(net.step(tf.tensor2d([x]), net.initialState(1)).logProbs.dataSync()));
        state = r.state;
      }
      const u = net.unroll(tf.tensor3d([xs]));
      return { stepwise, fresh, unrolled: Array.from(u.logProbs.dataSync()) };
    });
    // Same input twice: a carried state gives different policies, a fresh one the same.
    expect(stepwise[1]).to.not.deep.equal(stepwise[0]);
    expect(fresh[1]).to.deep.equal(fresh[0]);
    stepwise.flat().forEach((v, i) => expect(unrolled[i]).to.be.closeTo(v, 1e-5));
    net.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('the MLP trunk has no memory across steps', () => {
    const net = new PolicyNetwork({ featureCount: 2, actionCount: 3, hidden: 8, trunk: 'mlp', temperature: 1 }, Rng.stream(4, 'n'));
    const [a, b] = tf.tidy(() => {
      const s0 = net.initialState(1);
      const r0 = net.step(tf.tensor2d([[0.3, 0.4]]), s0);
      const r1 = net.step(tf.tensor2d([[0.3, 0.4]]), r0.state);
      return [Array.from(r0.logProbs.dataSync()), Array.from(r1.logProbs.dataSync())];
    });
    expect(a).to.deep.equal(b);
    net.dispose();
  });

  it('Adam takes the textbook first step (lr * sign(g)) and restores its slots', () => {
    const v = tf.variable(tf.tensor1d([1, 1]));
    const adam = new Adam(new Map([['w', v]]), { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    const g = tf.tensor1d([2, -0.5]);
    adam.apply({ w: g });
    const w = Array.from(v.dataSync());
    expect(w[0]).to.be.closeTo(0.9, 1e-6);
    expect(w[1]).to.be.closeTo(1.1, 1e-6);
    const saved = adam.getState();
    adam.apply({ w: g });
    const after = Array.from(v.dataSync());
    v.assign(tf.tensor1d(w));
    adam.setState(saved.step, saved.arrays);
    adam.apply({ w: g });
    expect(Array.from(v.dataSync())).to.deep.equal(after);
    g.dispose();
    v.dispose();
  });
});
