import * as tf from '@tensorflow/tfjs';

/** The benchmark's models: the project's network builders (plugins/networks) at 32 bits. */
export const BENCH_MODELS = ['lenet', 'simplenet', 'resnet20', 'vgg11', 'mobilenet'] as const;
export type BenchModelName = typeof BENCH_MODELS[number];

interface Spec { file: string; builder: string; options: Record<string, unknown>; input: [number, number, number] }
const SPECS: Record<BenchModelName, Spec> = {
  lenet: { file: 'lenet', builder: 'buildLenet', options: { numClasses: 10 }, input: [28, 28, 1] },
  simplenet: { file: 'simplenet', builder: 'buildSimplenet', options: { numClasses: 10 }, input: [32, 32, 3] },
  resnet20: { file: 'resnet20', builder: 'buildResnet20', options: { numClasses: 10, shortcuts: 'fixed', shortcutBits: 32 }, input: [32, 32, 3] },
  vgg11: { file: 'vgg11', builder: 'buildVgg11', options: { numClasses: 10 }, input: [32, 32, 3] },
  mobilenet: { file: 'mobilenet-model', builder: 'buildMobilenet', options: { alpha: 1, inputSize: 32, numClasses: 10, stemStride: 1 }, input: [32, 32, 3] },
};

export interface BenchModel {
  readonly model: tf.LayersModel;
  readonly inputShape: [number, number, number];
  readonly numClasses: number;
  /** Forward FLOPs per image: 2 per multiply-accumulate of conv/depthwise/dense layers. */
  readonly forwardFlops: number;
  readonly variables: tf.Variable[];
  dispose(): void;
}

/** 32-bit setting: weights pass through unchanged, so the bench times the backend, not a quantizer. */
const identityQuantizer = {
  quantizeWeights: (w: tf.Tensor): tf.Tensor => w,
  quantizeActivations: (a: tf.Tensor): tf.Tensor => a,
};

type Builder = (build: { quantizer: typeof identityQuantizer; seed: number; activationBits: null }, options: Record<string, unknown>) =>
  { model: tf.LayersModel; dispose(): void };

/** Builds a model with the project's builder (loaded by URL, so this file does not pin H2's API). */
export async function buildBenchModel(name: BenchModelName, seed = 1): Promise<BenchModel> {
  const spec = SPECS[name];
  const url = new URL(`../../plugins/networks/${spec.file}.js`, import.meta.url);
  const mod = (await import(url.href)) as Record<string, unknown>;
  const builder = mod[spec.builder];
  if (typeof builder !== 'function') throw new Error(`${url.pathname} does not export ${spec.builder}`);
  const built = (builder as Builder)({ quantizer: identityQuantizer, seed, activationBits: null }, spec.options);
  const model = built.model;
  return {
    model,
    inputShape: spec.input,
    numClasses: 10,
    forwardFlops: forwardFlopsPerImage(model),
    variables: model.trainableWeights.map((w) => w.read() as tf.Variable),
    dispose: () => built.dispose(),
  };
}

/** Counts from kernel shapes: a rank-4 kernel (conv or depthwise) costs 2*|kernel|*OH*OW, rank-2 2*|kernel|. */
export function forwardFlopsPerImage(model: tf.LayersModel): number {
  let flops = 0;
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      if (w.shape.length === 4) {
        const out = layer.outputShape as number[];
        flops += 2 * w.shape.reduce<number>((p, d) => p * (d ?? 1), 1) * out[1]! * out[2]!;
      } else if (w.shape.length === 2) {
        flops += 2 * w.shape.reduce<number>((p, d) => p * (d ?? 1), 1);
      }
    }
  }
  return flops;
}

/** Random images and one-hot labels (fixed seed). */
export function randomBatch(m: BenchModel, batch: number, seed: number): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => ({
    x: tf.randomNormal([batch, ...m.inputShape], 0, 1, 'float32', seed),
    y: tf.oneHot(tf.randomUniform([batch], 0, m.numClasses, 'int32', seed + 1), m.numClasses).toFloat(),
  }));
}

function loss(m: BenchModel, x: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(y, m.model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
}

/** One SGD step (what a fine-tune does per batch). */
export function trainStep(m: BenchModel, optimizer: tf.Optimizer, x: tf.Tensor, y: tf.Tensor): void {
  tf.tidy(() => { optimizer.minimize(() => loss(m, x, y), false, m.variables); });
}

/** Gradients of one batch, by variable name (caller disposes). */
export function gradients(m: BenchModel, x: tf.Tensor, y: tf.Tensor): tf.NamedTensorMap {
  return tf.tidy(() => tf.variableGrads(() => loss(m, x, y), m.variables).grads);
}

export function forward(m: BenchModel, x: tf.Tensor): void {
  tf.tidy(() => { (m.model.apply(x, { training: false }) as tf.Tensor).dataSync(); });
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
