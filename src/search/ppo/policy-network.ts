import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../services/rng.js';

export type TrunkKind = 'lstm' | 'mlp';

export interface PolicyNetworkOptions {
  readonly featureCount: number;
  readonly actionCount: number;
  /** Width of the trunk (LSTM units or MLP layer), 128 in the paper. */
  readonly hidden: number;
  readonly trunk: TrunkKind;
  /** Softmax temperature of the policy (0.5 in the paper). */
  readonly temperature: number;
}

/** The recurrent state carried from layer to layer within an episode (zeros for the MLP trunk). */
export interface TrunkState {
  readonly c: tf.Tensor2D;
  readonly h: tf.Tensor2D;
}

export interface PolicyOutput {
  /** [B, A] log-probabilities of the tempered softmax policy. */
  readonly logProbs: tf.Tensor2D;
  /** [B] value estimates. */
  readonly values: tf.Tensor1D;
}

/**
 * Actor-critic network of ReLeQ: an LSTM (or MLP) trunk over the layer state, a policy head
 * Dense 128 - Dense 128 - softmax(logits / temperature) and a value head Dense 128 - Dense 64 - 1.
 * The LSTM cell is written with tf.basicLSTMCell so the caller owns (and carries) its state.
 * Weights are drawn from the agent's Rng (Glorot uniform), so runs are backend-independent and
 * reproducible; hidden dense layers use tanh.
 */
export class PolicyNetwork {
  readonly variables = new Map<string, tf.Variable>();
  private readonly forgetBias = tf.scalar(1);

  constructor(readonly options: PolicyNetworkOptions, rng: Rng) {
    const { featureCount: F, actionCount: A, hidden: H, trunk } = options;
    if (trunk === 'lstm') {
      this.dense('lstm', F + H, 4 * H, rng, 1);
    } else {
      this.dense('trunk', F, H, rng, 1);
    }
    this.dense('pi/d1', H, 128, rng, 1);
    this.dense('pi/d2', 128, 128, rng, 1);
    // A small last layer starts the policy near uniform, so early episodes explore.
    this.dense('pi/out', 128, A, rng, 0.01);
    this.dense('v/d1', H, 128, rng, 1);
    this.dense('v/d2', 128, 64, rng, 1);
    this.dense('v/out', 64, 1, rng, 1);
  }

  private dense(name: string, fanIn: number, fanOut: number, rng: Rng, gain: number): void {
    const limit = gain * Math.sqrt(6 / (fanIn + fanOut));
    const w = new Float32Array(fanIn * fanOut);
    for (let i = 0; i < w.length; i++) w[i] = (2 * rng.next() - 1) * limit;
    // tidy disposes the initial values; variables survive it. Names are left to tfjs (unique per process).
    this.variables.set(`${name}/kernel`, tf.tidy(() => tf.variable(tf.tensor2d(w, [fanIn, fanOut]), true)));
    this.variables.set(`${name}/bias`, tf.tidy(() => tf.variable(tf.zeros([fanOut]), true)));
  }

  private v(name: string): tf.Variable {
    return this.variables.get(name)!;
  }

  private layer(name: string, x: tf.Tensor2D, activation: 'tanh' | 'linear'): tf.Tensor2D {
    const y = tf.add(tf.matMul(x, this.v(`${name}/kernel`) as tf.Tensor2D), this.v(`${name}/bias`)) as tf.Tensor2D;
    return activation === 'tanh' ? tf.tanh(y) : y;
  }

  initialState(batch: number): TrunkState {
    return { c: tf.zeros([batch, this.options.hidden]), h: tf.zeros([batch, this.options.hidden]) };
  }

  /** One layer's step through the trunk: [B, F] and the carried state to the trunk output. */
  trunkStep(x: tf.Tensor2D, state: TrunkState): { out: tf.Tensor2D; state: TrunkState } {
    if (this.options.trunk === 'mlp') return { out: this.layer('trunk', x, 'tanh'), state };
    const [c, h] = tf.basicLSTMCell(
      this.forgetBias, this.v('lstm/kernel') as tf.Tensor2D, this.v('lstm/bias') as tf.Tensor1D, x, state.c, state.h,
    );
    return { out: h, state: { c, h } };
  }

  heads(trunkOut: tf.Tensor2D): PolicyOutput {
    const p = this.layer('pi/d2', this.layer('pi/d1', trunkOut, 'tanh'), 'tanh');
    const logits = tf.div(this.layer('pi/out', p, 'linear'), this.options.temperature) as tf.Tensor2D;
    const v = this.layer('v/out', this.layer('v/d2', this.layer('v/d1', trunkOut, 'tanh'), 'tanh'), 'linear');
    return { logProbs: tf.logSoftmax(logits) as tf.Tensor2D, values: tf.reshape(v, [-1]) as tf.Tensor1D };
  }

  /** One step: the policy and value for [B, F] states, and the state to carry to the next layer. */
  step(x: tf.Tensor2D, state: TrunkState): PolicyOutput & { state: TrunkState } {
    const t = this.trunkStep(x, state);
    return { ...this.heads(t.out), state: t.state };
  }

  /**
   * Whole episodes at once, [B, T, F], carrying the state along T exactly as acting did; rows of
   * the outputs are ordered episode-major (b * T + t).
   */
  unroll(x: tf.Tensor3D): PolicyOutput {
    const [B, T, F] = x.shape;
    let state = this.initialState(B);
    const outs: tf.Tensor2D[] = [];
    for (let t = 0; t < T; t++) {
      const xt = tf.reshape(tf.slice(x, [0, t, 0], [B, 1, F]), [B, F]) as tf.Tensor2D;
      const r = this.trunkStep(xt, state);
      outs.push(r.out);
      state = r.state;
    }
    const all = tf.reshape(tf.stack(outs, 1), [B * T, this.options.hidden]) as tf.Tensor2D;
    return this.heads(all);
  }

  trainable(): tf.Variable[] {
    return [...this.variables.values()];
  }

  getWeights(): Record<string, { shape: number[]; values: number[] }> {
    const out: Record<string, { shape: number[]; values: number[] }> = {};
    for (const [name, v] of this.variables) out[name] = { shape: [...v.shape], values: Array.from(v.dataSync()) };
    return out;
  }

  setWeights(arrays: Readonly<Record<string, { readonly shape: readonly number[]; readonly values: readonly number[] }>>): void {
    for (const [name, v] of this.variables) {
      const a = arrays[name];
      if (!a || a.shape.length !== v.shape.length || a.shape.some((d, i) => d !== v.shape[i])) {
        throw new Error(`saved weights do not fit ${name} ${JSON.stringify(v.shape)} (got ${JSON.stringify(a?.shape)})`);
      }
      tf.tidy(() => v.assign(tf.tensor(a.values as number[], v.shape, 'float32')));
    }
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
    this.forgetBias.dispose();
  }
}
