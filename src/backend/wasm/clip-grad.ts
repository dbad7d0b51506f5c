import * as tf from '@tensorflow/tfjs';
import { asTensor, makeOutput, registerWasmKernel, wasmBackend, type KernelArgs } from './kernel-utils.js';
import { heapOffset, releqKernels } from './releq-kernels.js';

/**
 * ReleqClipGrad {dy, x} {lo, hi, inclusive} -> dx: the gradient of clamping x to [lo, hi] in one
 * pass (src/backend/clip-gradient.ts, which uses tf ops on backends without this kernel).
 */
export const CLIP_GRAD = 'ReleqClipGrad';

function clipGrad(args: KernelArgs): tf.TensorInfo {
  const backend = wasmBackend(args);
  const dy = asTensor(args.inputs['dy'], 'dy');
  const x = asTensor(args.inputs['x'], 'x');
  const { lo, hi, inclusive } = args.attrs as unknown as { lo: number; hi: number; inclusive: boolean };
  const out = makeOutput(backend, x.shape.slice(), 'float32');
  releqKernels(backend).clip_grad(heapOffset(backend, dy), heapOffset(backend, x), heapOffset(backend, out), x.size, lo, hi, inclusive ? 1 : 0);
  return out;
}

export function registerClipGradKernel(): void {
  registerWasmKernel(CLIP_GRAD, (args) => clipGrad(args));
}
