import * as tf from '@tensorflow/tfjs';
import { makeOutput, registerWasmKernel, wasmBackend, type KernelArgs } from './kernel-utils.js';
import { heapOffset, releqKernels } from './releq-kernels.js';

/**
 * MaxPoolGrad with cpu-backend semantics, by releq's wasm kernel: the running max starts at
 * -Infinity and the first max in the window wins. The stock kernel starts at FLT_MIN (smallest
 * positive float), so windows whose max is <= 0 route the gradient to the wrong element.
 */
function maxPoolGrad(args: KernelArgs): tf.TensorInfo {
  const dy = args.inputs['dy']!;
  const input = args.inputs['input']!;
  const attrs = args.attrs as unknown as {
    filterSize: number | [number, number]; strides: number | [number, number];
    pad: 'valid' | 'same' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const backend = wasmBackend(args);
  const out = makeOutput(backend, input.shape.slice(), 'float32');
  releqKernels(backend).max_pool_grad(heapOffset(backend, input), heapOffset(backend, dy), heapOffset(backend, out),
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left);
  return out;
}

export function registerMaxPoolGradKernel(): void {
  registerWasmKernel(tf.MaxPoolGrad, (args) => maxPoolGrad(args));
}
