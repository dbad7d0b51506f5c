import * as tf from '@tensorflow/tfjs';
import { asTensor, isUnfused, makeOutput, registerWasmKernel, wasmBackend, type KernelArgs } from './kernel-utils.js';
import { NT_MIN_K } from './batch-matmul.js';
import { heapOffset, releqKernels } from './releq-kernels.js';

interface ConvForwardAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: string;
  dilations?: number | [number, number];
}

const isOne = (v: number | [number, number] | undefined): boolean => v === undefined || v === 1 || (Array.isArray(v) && v[0] === 1 && v[1] === 1);

/**
 * Wide 1x1 stride-1 convs without bias or activation (MobileNet's pointwise layers, followed by
 * batch norm) as y = x . (W^T)^T by releq's gemm_nt, on one thread: XNNPACK packs the weights on
 * every call (they change every step): the same A B^T shapes as the wide 1x1 input gradients in
 * `npm run bench:kernels`. Anything else: the stock kernel.
 */
function pointwiseForward(args: KernelArgs, original: tf.KernelFunc | undefined, kernel: string): tf.TensorInfo {
  if (original === undefined) throw new Error(`wasm ${kernel}: the stock kernel is missing`);
  const attrs = args.attrs as unknown as ConvForwardAttrs;
  const filter = args.inputs['filter']!;
  const x = args.inputs['x']!;
  const [kh, kw, cin, cout] = filter.shape as [number, number, number, number];
  const backend = wasmBackend(args);
  const kernels = releqKernels(backend);
  const unpadded = attrs.pad === 'same' || attrs.pad === 'valid' || attrs.pad === 0;
  const nhwc = attrs.dataFormat === undefined || attrs.dataFormat === 'NHWC' || attrs.dataFormat === 'channelsLast';
  if (!(kh === 1 && kw === 1 && isUnfused(args) && unpadded && nhwc && isOne(attrs.strides) && isOne(attrs.dilations)
    && cin >= NT_MIN_K && !kernels.threaded && x.dtype === 'float32' && x.shape.length === 4)) {
    return original(args) as tf.TensorInfo;
  }
  const [n, h, w] = x.shape as [number, number, number, number];
  const wT = tf.tidy(() => tf.transpose(tf.reshape(asTensor(filter, 'filter'), [cin, cout])));
  try {
    const out = makeOutput(backend, [n, h, w, cout], 'float32');
    kernels.gemm_nt(heapOffset(backend, x), heapOffset(backend, wT), heapOffset(backend, out), n * h * w, cout, cin);
    return out;
  } finally {
    wT.dispose();
  }
}

export function registerPointwiseConvKernels(): void {
  registerWasmKernel(tf.Conv2D, (args, original) => pointwiseForward(args, original, 'Conv2D'));
  registerWasmKernel(tf.FusedConv2D, (args, original) => pointwiseForward(args, original, 'FusedConv2D'));
}
