import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from './train-loop.js';

/** One update rule over a fixed list of variables; owns its slot tensors until disposed. */
export interface StepRule {
  /** Applies gradients (same order as the variables) at learning rate `lr`. */
  apply(grads: readonly tf.Tensor[], lr: number): void;
  dispose(): void;
}

/**
 * SGD with momentum and weight decay exactly as PyTorch's torch.optim.SGD (the authors' code):
 * g' = g + wd * w; v = momentum * v + g'; w -= lr * v. Written here because tfjs's momentum
 * optimizer has no weight decay and, in 4.22, leaks its learning-rate scalar on dispose.
 */
class SgdMomentum implements StepRule {
  private velocity: tf.Tensor[] | null = null;
  constructor(private readonly vars: readonly tf.Variable[], private readonly momentum: number, private readonly weightDecay: number) {}

  apply(grads: readonly tf.Tensor[], lr: number): void {
    const old = this.velocity;
    const next = tf.tidy(() => this.vars.map((w, i) => {
      let g = grads[i]!;
      if (this.weightDecay > 0) g = tf.add(g, tf.mul(w, this.weightDecay));
      // A copy: without weight decay `g` is the caller's gradient, which it disposes after this step.
      const v = old === null || this.momentum === 0 ? tf.clone(g) : tf.add(tf.mul(old[i]!, this.momentum), g);
      w.assign(tf.sub(w, tf.mul(v, lr)));
      return v;
    }));
    if (old !== null) tf.dispose(old);
    this.velocity = next;
  }

  dispose(): void {
    if (this.velocity !== null) tf.dispose(this.velocity);
    this.velocity = null;
  }
}

/** Adam with L2 weight decay added to the gradient (PyTorch's Adam weight_decay). */
class AdamRule implements StepRule {
  private readonly adam: tf.AdamOptimizer;
  constructor(private readonly vars: readonly tf.Variable[], lr: number, private readonly weightDecay: number) {
    this.adam = tf.train.adam(lr);
  }

  apply(grads: readonly tf.Tensor[], lr: number): void {
    (this.adam as unknown as { learningRate: number }).learningRate = lr;
    const named = tf.tidy(() => this.vars.map((w, i) => ({
      name: w.name,
      tensor: this.weightDecay > 0 ? tf.add(grads[i]!, tf.mul(w, this.weightDecay)) : tf.clone(grads[i]!),
    })));
    this.adam.applyGradients(named);
    tf.dispose(named.map((n) => n.tensor));
  }

  dispose(): void {
    this.adam.dispose();
  }
}

export function makeStepRule(config: TrainConfig, vars: readonly tf.Variable[]): StepRule {
  return config.optimizer === 'adam'
    ? new AdamRule(vars, config.learningRate, config.weightDecay)
    : new SgdMomentum(vars, config.momentum, config.weightDecay);
}
