import * as tf from '@tensorflow/tfjs';
import type { Quantizer } from '../registry/contracts/quantizer.js';
import { canonicalJson, sha256 } from '../util/json.js';

/**
 * Config keys that do not change full-precision training: the quantizer and the current weight
 * bitwidth (pretraining runs at 32 bits whatever the experiment's quantizer).
 */
const NOT_ARCHITECTURE = new Set(['quantizer', 'bits']);

/** Plain-data part of a layer config (drops objects such as the quantizer a layer holds). */
function plainConfig(layer: tf.layers.Layer): unknown {
  try {
    return JSON.parse(JSON.stringify(layer.getConfig(), (k, v: unknown) =>
      (NOT_ARCHITECTURE.has(k) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype) ? undefined : v)));
  } catch {
    return null;
  }
}

/**
 * Identity of a built model's architecture: layer classes, names, configs and weight shapes. The
 * network plugin's options that change the model change this, so it keys checkpoints without the
 * evaluator knowing the plugin's options.
 */
export function modelFingerprint(model: tf.LayersModel): string {
  const layers = model.layers.map((l) => ({
    cls: l.getClassName(),
    name: l.name,
    config: plainConfig(l),
    weights: l.weights.map((w) => [w.originalName, ...w.shape]),
  }));
  return sha256(canonicalJson(layers)).slice(0, 16);
}

/**
 * Identity of a quantizer by what it does: its outputs for a fixed ramp of weights at every
 * bitwidth 1..8. Two quantizers (or options) that give the same values score the same.
 */
export function quantizerFingerprint(quantizer: Quantizer): string {
  const values = tf.tidy(() => {
    const ramp = tf.linspace(-1.5, 1.5, 61);
    const rows: number[][] = [];
    for (let b = 1; b <= 8; b++) {
      rows.push(Array.from(quantizer.quantizeWeights(ramp, b).dataSync(), (v) => Math.round(v * 1e5) / 1e5));
    }
    return rows;
  });
  return sha256(canonicalJson(values)).slice(0, 16);
}
