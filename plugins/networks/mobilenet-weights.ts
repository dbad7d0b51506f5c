/**
 * Maps Keras MobileNet-V1 weights (tfjs layers format, e.g. ../shared/data/models/mobilenet_v1_0.75_224)
 * onto the mobilenet plugin's model. The Keras model keeps batch norm as separate layers and so does
 * ours, so the mapping is one-to-one by name: conv1/kernel, conv_dw_i/depthwise_kernel, conv_pw_i/kernel,
 * *_bn/{gamma,beta,moving_mean,moving_variance}; the Keras head conv_preds (a 1x1 conv with bias)
 * becomes our dense `fc`. The model expects RGB input scaled to [-1, 1].
 */
import * as tf from '@tensorflow/tfjs';
import { ReleqError } from '../../src/errors.js';
import type { NetworkBuildOptions } from '../../src/registry/contracts/network.js';
import { QuantizedDepthwiseConv2D } from '../../src/models/quantized-layers.js';
import type { QuantizedModel } from '../../src/models/quantized-model.js';
import { readNamedWeights } from '../../src/models/load-layers-model.js';
import { buildMobilenet } from './mobilenet-model.js';

export interface PretrainedMobilenetOptions {
  /** Folder with model.json and shards. */
  readonly dir: string;
  /** Input size to build for (weights do not depend on it); default 224. */
  readonly inputSize?: number;
  /** ImageNet class indices to keep in the head, in this order (e.g. a 100-class subset); default all. */
  readonly classSubset?: readonly number[];
}

const ALPHAS = [0.25, 0.5, 0.75, 1];

/** Width multiplier of Keras MobileNet-V1 weights, from conv1's 32*alpha filters. */
export function mobilenetAlphaOf(weights: tf.NamedTensorMap, source: string): number {
  const conv1 = weights['conv1/kernel'];
  const alpha = conv1 === undefined ? NaN : conv1.shape[3]! / 32;
  if (!ALPHAS.includes(alpha)) {
    throw new ReleqError('data', `${source}: not Keras MobileNet-V1 weights (conv1/kernel ${conv1 === undefined ? 'missing' : `has shape [${conv1.shape}]`})`, {
      hint: 'use a tfjs conversion of keras.applications.MobileNet (alpha 0.25, 0.5, 0.75 or 1)',
    });
  }
  return alpha;
}

/** Keras weight name for one of our weights (by its unscoped variable name). */
function sourceName(layer: tf.layers.Layer, weightName: string): string {
  if (layer.name === 'fc') return weightName.replace(/^fc\//, 'conv_preds/');
  if (layer instanceof QuantizedDepthwiseConv2D) return weightName.replace(/\/kernel$/, '/depthwise_kernel');
  return weightName;
}

/** Writes Keras MobileNet weights into `qm` (built by buildMobilenet with the same alpha). */
export function applyKerasMobilenetWeights(
  qm: QuantizedModel, weights: tf.NamedTensorMap, source: string, classSubset?: readonly number[],
): void {
  const used = new Set<string>();
  for (const layer of qm.model.layers) {
    for (const variable of layer.weights) {
      const name = sourceName(layer, variable.originalName);
      const value = weights[name];
      if (value === undefined) {
        throw new ReleqError('data', `${source}: no weight ${name} for layer ${layer.name}`, {
          hint: 'the folder must hold Keras MobileNet-V1 weights with the standard layer names',
        });
      }
      used.add(name);
      tf.tidy(() => {
        let v = value;
        if (name.startsWith('conv_preds/')) {
          v = v.reshape(name.endsWith('kernel') ? [v.shape[v.rank - 2]!, v.shape[v.rank - 1]!] : [v.size]);
          if (classSubset !== undefined) v = tf.gather(v, [...classSubset], v.rank - 1);
        }
        if (!tf.util.arraysEqual(v.shape, variable.shape as number[])) {
          throw new ReleqError('data', `${source}: ${name} has shape [${v.shape}], layer ${layer.name} needs [${variable.shape}]`, {
            hint: 'build the mobilenet with the alpha of the weights (see mobilenetAlphaOf) and 1000 classes or a classSubset',
          });
        }
        variable.write(v);
      });
    }
  }
  const unused = Object.keys(weights).filter((n) => !used.has(n));
  if (unused.length > 0) {
    throw new ReleqError('data', `${source}: weights not used by the mobilenet model: ${unused.slice(0, 5).join(', ')}`, {
      hint: 'the folder holds a different architecture than MobileNet-V1',
    });
  }
}

/** A mobilenet QuantizableModel (all layers at 32 bits) carrying the pretrained weights of `options.dir`. */
export function loadPretrainedMobilenet(build: NetworkBuildOptions, options: PretrainedMobilenetOptions): QuantizedModel {
  const weights = readNamedWeights(options.dir);
  try {
    const alpha = mobilenetAlphaOf(weights, options.dir);
    const classes = options.classSubset;
    if (classes !== undefined && (classes.length < 2 || classes.some((c) => !Number.isInteger(c) || c < 0 || c >= 1000))) {
      throw new ReleqError('config', `classSubset must list at least 2 ImageNet class indices in 0..999`, {
        hint: 'give the indices of the classes to keep, e.g. the 100 classes of the evaluation subset',
      });
    }
    const qm = buildMobilenet(build, {
      alpha, inputSize: options.inputSize ?? 224, numClasses: classes?.length ?? 1000, stemStride: 2,
    });
    try {
      applyKerasMobilenetWeights(qm, weights, options.dir, classes);
    } catch (error) {
      qm.dispose();
      throw error;
    }
    return qm;
  } finally {
    tf.dispose(Object.values(weights));
  }
}
