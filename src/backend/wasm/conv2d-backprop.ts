import * as tf from '@tensorflow/tfjs';
import { asTensor, padOrCropHW, registerWasmKernel, type KernelArgs } from './kernel-utils.js';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
interface ConvAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function convInfo(xShape: number[], filterShape: number[], attrs: ConvAttrs, kernel: string): tf.backend_util.Conv2DInfo {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') {
    throw new Error(`wasm ${kernel}: only NHWC is supported (got ${attrs.dataFormat})`);
  }
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
}

/**
 * dW "conv trick": x as [Cin,H,W,N] correlated with dy as a [OH,OW,N,Cout] filter, dilated by
 * the forward stride, gives [Cin,KH,KW,Cout]; 1x1 filters use one GEMM instead.
 */
function conv2dBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
  const x = asTensor<tf.Rank.R4>(args.inputs['x'], 'x');
  const dy = asTensor<tf.Rank.R4>(args.inputs['dy'], 'dy');
  const info = convInfo(x.shape, attrs.filterShape, attrs, 'Conv2DBackpropFilter');
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info;
  const { top, left } = info.padInfo;
  const [n, h, w, cin] = x.shape;
  const cout = dy.shape[3];
  return tf.tidy(() => {
    if (kh === 1 && kw === 1 && top === 0 && left === 0) {
      const xs = sh === 1 && sw === 1 && oh === h && ow === w
        ? x
        : tf.stridedSlice(x, [0, 0, 0, 0], [n, (oh - 1) * sh + 1, (ow - 1) * sw + 1, cin], [1, sh, sw, 1]) as tf.Tensor4D;
      const m = n * oh * ow;
      const dw = tf.matMul(tf.reshape(xs, [m, cin]), tf.reshape(dy, [m, cout]), true, false);
      return tf.reshape(dw, [1, 1, cin, cout]);
    }
    // Extra rows/cols needed on the bottom/right so the correlation yields exactly KH x KW taps.
    const bottom = kh + (oh - 1) * sh - h - top;
    const right = kw + (ow - 1) * sw - w - left;
    const xPadded = padOrCropHW(x, top, bottom, left, right);
    const xT = tf.transpose(xPadded, [3, 1, 2, 0]);
    const dyT = tf.transpose(dy, [1, 2, 0, 3]);
    const taps = tf.conv2d(xT, dyT, 1, 'valid', 'NHWC', [sh, sw]);
    return tf.transpose(taps, [1, 2, 0, 3]);
  });
}

/** dx = correlation of zero-stuffed, padded dy with the spatially reversed, [KH,KW,Cout,Cin] filter. */
function conv2dBackpropInput(args: KernelArgs): tf.TensorInfo {
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
  const dy = asTensor<tf.Rank.R4>(args.inputs['dy'], 'dy');
  const filter = asTensor<tf.Rank.R4>(args.inputs['filter'], 'filter');
  const info = convInfo(attrs.inputShape, filter.shape, attrs, 'Conv2DBackpropInput');
  const [kh, kw, cin, cout] = filter.shape;
  return tf.tidy(() => {
    if (kh === 1 && kw === 1 && info.strideHeight === 1 && info.strideWidth === 1 && info.outHeight === info.inHeight && info.outWidth === info.inWidth) {
      // 1x1 stride 1: dx = dy . W^T as one GEMM (no reverse, no padding).
      const [n, h, w] = attrs.inputShape;
      const dx = tf.matMul(tf.reshape(dy, [n * h * w, cout]), tf.reshape(filter, [cin, cout]), false, true);
      return tf.reshape(dx, [n, h, w, cin]);
    }
    const dyFull = stuffAndPad(dy, info);
    const wRev = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
    return tf.conv2d(dyFull, wRev, 1, 'valid');
  });
}

/**
 * Inserts stride-1 zeros between dy's pixels and pads/crops it so that a stride-1 'valid'
 * correlation with a KH x KW filter yields the forward input's H x W. Shared with depthwise.
 */
export function stuffAndPad(dy: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, inHeight: h, inWidth: w } = info;
  const { top, left } = info.padInfo;
  const [n, oh, ow, c] = dy.shape;
  let stuffed = dy;
  if (sh > 1 || sw > 1) {
    const expanded = tf.reshape(dy, [n, oh, 1, ow, 1, c]);
    const padded = tf.pad(expanded, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
    stuffed = tf.reshape(padded, [n, oh * sh, ow * sw, c]);
  }
  // The stuffed tensor ends with (stride-1) zero rows/cols, counted against the bottom/right pad.
  const padTop = kh - 1 - top;
  const padLeft = kw - 1 - left;
  const padBottom = h + kh - 1 - oh * sh - padTop;
  const padRight = w + kw - 1 - ow * sw - padLeft;
  return padOrCropHW(stuffed, padTop, padBottom, padLeft, padRight);
}

export function registerConv2dBackpropKernels(): void {
  registerWasmKernel(tf.Conv2DBackpropFilter, (args) => conv2dBackpropFilter(args));
  registerWasmKernel(tf.Conv2DBackpropInput, (args) => conv2dBackpropInput(args));
}
