import * as tf from '@tensorflow/tfjs';

export interface AdamOptions {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

/**
 * Adam (Kingma & Ba) over named variables. The moment slots are plain Float64Arrays updated in
 * JavaScript: for a policy this small one fused loop is far cheaper than a dozen tensor ops per
 * variable, and the slots and step count checkpoint bit-exactly (tf.train.adam hides its step).
 */
export class Adam {
  private readonly m = new Map<string, Float64Array>();
  private readonly v = new Map<string, Float64Array>();
  private t = 0;

  constructor(private readonly variables: ReadonlyMap<string, tf.Variable>, readonly options: AdamOptions) {
    for (const [name, variable] of variables) {
      this.m.set(name, new Float64Array(variable.size));
      this.v.set(name, new Float64Array(variable.size));
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
    for (const [name, variable] of this.variables) {
      const grad = grads[name];
      if (!grad) continue;
      const g = grad.dataSync();
      const w = Float32Array.from(variable.dataSync());
      const m = this.m.get(name)!, v = this.v.get(name)!;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]!;
        m[i] = beta1 * m[i]! + (1 - beta1) * gi;
        v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
        w[i] = w[i]! - (lr * m[i]! / c1) / (Math.sqrt(v[i]! / c2) + epsilon);
      }
      tf.tidy(() => variable.assign(tf.tensor(w, variable.shape, 'float32')));
    }
  }

  getState(): { step: number; arrays: Record<string, { shape: number[]; values: number[] }> } {
    const arrays: Record<string, { shape: number[]; values: number[] }> = {};
    for (const [name, variable] of this.variables) {
      arrays[`adam/m/${name}`] = { shape: [...variable.shape], values: Array.from(this.m.get(name)!) };
      arrays[`adam/v/${name}`] = { shape: [...variable.shape], values: Array.from(this.v.get(name)!) };
    }
    return { step: this.t, arrays };
  }

  setState(step: number, arrays: Readonly<Record<string, { readonly shape: readonly number[]; readonly values: readonly number[] }>>): void {
    this.t = step;
    for (const [prefix, slots] of [['adam/m/', this.m], ['adam/v/', this.v]] as const) {
      for (const [name, slot] of slots) {
        const a = arrays[`${prefix}${name}`];
        if (!a || a.values.length !== slot.length) throw new Error(`saved optimizer state lacks or misfits ${prefix}${name}`);
        slot.set(a.values);
      }
    }
  }

  dispose(): void {
    this.m.clear();
    this.v.clear();
  }
}
