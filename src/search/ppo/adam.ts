import * as tf from '@tensorflow/tfjs';

export interface AdamOptions {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

/**
 * Adam (Kingma & Ba) over named variables, written out so that its slots and step count are plain
 * state that checkpoints save and restore bit-exactly (tf.train.adam hides its step count).
 */
export class Adam {
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  private t = 0;

  constructor(private readonly variables: ReadonlyMap<string, tf.Variable>, readonly options: AdamOptions) {
    for (const [name, variable] of variables) {
      this.m.set(name, tf.variable(tf.zerosLike(variable), false, `adam/m/${name}`));
      this.v.set(name, tf.variable(tf.zerosLike(variable), false, `adam/v/${name}`));
    }
  }

  get step(): number {
    return this.t;
  }

  /** Applies one update from gradients keyed by variable name (the tensors stay the caller's). */
  apply(grads: Readonly<Record<string, tf.Tensor>>): void {
    this.t += 1;
    const { learningRate: lr, beta1, beta2, epsilon } = this.options;
    const c1 = 1 - beta1 ** this.t, c2 = 1 - beta2 ** this.t;
    tf.tidy(() => {
      for (const [name, variable] of this.variables) {
        const g = grads[name];
        if (!g) continue;
        const m = this.m.get(name)!, v = this.v.get(name)!;
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        const update = tf.div(tf.mul(m, lr / c1), tf.add(tf.sqrt(tf.div(v, c2)), epsilon));
        variable.assign(tf.sub(variable, update));
      }
    });
  }

  getState(): { step: number; arrays: Record<string, { shape: number[]; values: number[] }> } {
    const arrays: Record<string, { shape: number[]; values: number[] }> = {};
    for (const [name, m] of this.m) {
      arrays[`adam/m/${name}`] = { shape: [...m.shape], values: Array.from(m.dataSync()) };
      const v = this.v.get(name)!;
      arrays[`adam/v/${name}`] = { shape: [...v.shape], values: Array.from(v.dataSync()) };
    }
    return { step: this.t, arrays };
  }

  setState(step: number, arrays: Readonly<Record<string, { readonly shape: readonly number[]; readonly values: readonly number[] }>>): void {
    this.t = step;
    for (const [prefix, slots] of [['adam/m/', this.m], ['adam/v/', this.v]] as const) {
      for (const [name, slot] of slots) {
        const a = arrays[`${prefix}${name}`];
        if (!a) throw new Error(`saved optimizer state lacks ${prefix}${name}`);
        tf.tidy(() => slot.assign(tf.tensor(a.values as number[], slot.shape, 'float32')));
      }
    }
  }

  dispose(): void {
    for (const x of [...this.m.values(), ...this.v.values()]) x.dispose();
  }
}
