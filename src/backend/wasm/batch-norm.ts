import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { asTensor, makeOutput, registerWasmKernel, wasmBackend, type KernelArgs } from './kernel-utils.js';
import { heapOffset, releqKernels } from './releq-kernels.js';

/**
 * Batch-norm training kernels for the fused batch-norm op (src/backend/fused-batch-norm.ts), run by
 * releq's wasm code over x viewed as [rows, channels]:
 * - ReleqBatchNormTrain {x, gamma, beta} {epsilon} -> [y, mean, variance, invStd]
 * - ReleqBatchNormGrad {dy, x, mean, invStd, gamma} -> [dx, dGamma, dBeta]
 * Other backends have no such kernels; the op then uses tf ops.
 */
export const BATCH_NORM_TRAIN = 'ReleqBatchNormTrain';
export const BATCH_NORM_GRAD = 'ReleqBatchNormGrad';

/** C-float scratch for a kernel call, freed right after it. */
function withScratch<T>(backend: BackendWasm, channels: number, count: number, fn: (offsets: number[]) => T): T {
  const infos = Array.from({ length: count }, () => makeOutput(backend, [channels], 'float32'));
  try {
    return fn(infos.map((i) => heapOffset(backend, i)));
  } finally {
    for (const info of infos) backend.disposeData(info.dataId, true);
  }
}

function train(args: KernelArgs): tf.TensorInfo[] {
  const backend = wasmBackend(args);
  const x = asTensor(args.inputs['x'], 'x');
  const gamma = asTensor(args.inputs['gamma'], 'gamma');
  const beta = asTensor(args.inputs['beta'], 'beta');
  const { epsilon } = args.attrs as unknown as { epsilon: number };
  const c = x.shape[x.rank - 1]!;
  const y = makeOutput(backend, x.shape.slice(), 'float32');
  const [mean, variance, invStd] = [0, 1, 2].map(() => makeOutput(backend, [c], 'float32')) as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
  withScratch(backend, c, 1, ([scale]) => releqKernels(backend).batch_norm_train(
    heapOffset(backend, x), heapOffset(backend, gamma), heapOffset(backend, beta), heapOffset(backend, y), heapOffset(backend, mean),
    heapOffset(backend, variance), heapOffset(backend, invStd), scale!, x.size / c, c, epsilon));
  return [y, mean, variance, invStd];
}

function grad(args: KernelArgs): tf.TensorInfo[] {
  const backend = wasmBackend(args);
  const [dy, x, mean, invStd, gamma] = (['dy', 'x', 'mean', 'invStd', 'gamma'] as const).map((k) => asTensor(args.inputs[k], k)) as
    [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const c = x.shape[x.rank - 1]!;
  const dx = makeOutput(backend, x.shape.slice(), 'float32');
  const dGamma = makeOutput(backend, [c], 'float32');
  const dBeta = makeOutput(backend, [c], 'float32');
  withScratch(backend, c, 2, ([kc, bias]) => releqKernels(backend).batch_norm_grad(
    heapOffset(backend, dy), heapOffset(backend, x), heapOffset(backend, mean), heapOffset(backend, invStd), heapOffset(backend, gamma),
    heapOffset(backend, dx), heapOffset(backend, dGamma), heapOffset(backend, dBeta), kc!, bias!, x.size / c, c));
  return [dx, dGamma, dBeta];
}

export function registerBatchNormKernels(): void {
  registerWasmKernel(BATCH_NORM_TRAIN, (args) => train(args));
  registerWasmKernel(BATCH_NORM_GRAD, (args) => grad(args));
}
