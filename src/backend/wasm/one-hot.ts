import * as tf from '@tensorflow/tfjs';
import { registerWasmKernel, type KernelArgs } from './kernel-utils.js';

/**
 * The stock wasm OneHot writes int32 values whatever the requested dtype, so
 * tf.oneHot(ids, n, 1, 0, 'float32') reads back as denormals (~1e-45, printed as 0). Run it as
 * int32 and cast.
 */
function oneHot(args: KernelArgs, original: tf.KernelFunc | undefined): tf.TensorInfo {
  const attrs = args.attrs as unknown as { dtype: tf.DataType };
  if (attrs.dtype === 'int32') return original!(args) as tf.TensorInfo;
  const asInt = original!({ ...args, attrs: { ...args.attrs, dtype: 'int32' } }) as tf.TensorInfo;
  const t = tf.engine().makeTensorFromTensorInfo(asInt);
  const out = tf.cast(t, attrs.dtype);
  t.dispose();
  return out;
}

export function registerOneHotKernel(): void {
  registerWasmKernel(tf.OneHot, (args, original) => oneHot(args, original));
}
