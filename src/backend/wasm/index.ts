import { registerBatchNormKernels } from './batch-norm.js';
import { registerBinaryBroadcastKernels } from './binary-broadcast.js';
import { registerClipGradKernel } from './clip-grad.js';
import { registerConv2dBackpropKernels } from './conv2d-backprop.js';
import { registerCopyKernels } from './copy-kernels.js';
import { registerDepthwiseBackpropKernels } from './depthwise-backprop.js';
import { registerMatMulKernels } from './batch-matmul.js';
import { registerMaxPoolGradKernel } from './max-pool-grad.js';
import { registerOneHotKernel } from './one-hot.js';
import { registerPointwiseConvKernels } from './pointwise-conv.js';
import { registerReductionKernels } from './reductions.js';
import { registerTransposeKernel } from './transpose.js';
import { registerUnsortedSegmentSumKernel } from './unsorted-segment-sum.js';

/**
 * Registers the training kernels for backend 'wasm': the four it lacks (filter and depthwise
 * gradients, UnsortedSegmentSum), replacements for stock kernels that are slow or wrong on the
 * training path, and the batch-norm and relu6-gradient kernels the training patches call; many of
 * them run releq's own wasm code (releq-kernels.ts). Idempotent; works before or after setBackend('wasm').
 */
export function registerWasmTrainingKernels(): void {
  registerCopyKernels();
  registerTransposeKernel();
  registerReductionKernels();
  registerMatMulKernels();
  registerConv2dBackpropKernels();
  registerDepthwiseBackpropKernels();
  registerUnsortedSegmentSumKernel();
  registerMaxPoolGradKernel();
  registerOneHotKernel();
  registerBinaryBroadcastKernels();
  registerBatchNormKernels();
  registerPointwiseConvKernels();
  registerClipGradKernel();
}

/** Kernel names this module registers or replaces on 'wasm' (for logs and tests). */
export const WASM_TRAINING_KERNELS = [
  'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'DepthwiseConv2dNativeBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter', 'UnsortedSegmentSum', 'BatchMatMul', '_FusedMatMul',
  'Tile', 'Slice', 'Transpose', 'Sum', 'Mean', 'Identity', 'MaxPoolGrad', 'OneHot', 'Cast', 'Add', 'Sub', 'Multiply', 'RealDiv',
  'ReleqBatchNormTrain', 'ReleqBatchNormGrad', 'ReleqClipGrad', 'Conv2D', 'FusedConv2D',
] as const;
