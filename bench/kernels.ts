// npm run bench:kernels [-- --threads=2]: releq's wasm kernels (always on the calling thread)
// against the XNNPACK paths they replace (on all of the build's threads), for layer shapes of the
// paper's networks at batch 128; writes bench/results/kernels[-2t].json. Fresh operands for every
// call (XNNPACK caches packings by tensor id, which would flatter it).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, stockWasmKernel } from '../src/backend/index.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { filterGradByConvTrick, filterGradByReleq } from '../src/backend/wasm/conv2d-backprop.js';
import { makeOutput } from '../src/backend/wasm/kernel-utils.js';
import { heapOffset, releqKernels } from '../src/backend/wasm/releq-kernels.js';
import { LoadProbe, machineLine } from './lib/load.js';
import { median } from './lib/models.js';

interface Row { kernel: string; shape: string; gflop: number; releqMs: number; xnnpackMs: number; speedup: number; otherCoresBusy: number }

const REPEATS = 5;
const rows: Row[] = [];

function time(fn: () => tf.Tensor): number {
  fn().dispose();
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    const out = fn();
    times.push(performance.now() - t0);
    out.dispose();
  }
  return median(times);
}

function record(kernel: string, shape: string, flops: number, releq: () => tf.Tensor, xnnpack: () => tf.Tensor): void {
  const probe = new LoadProbe();
  const releqMs = time(releq);
  const xnnpackMs = time(xnnpack);
  rows.push({ kernel, shape, gflop: flops / 1e9, releqMs, xnnpackMs, speedup: xnnpackMs / releqMs, otherCoresBusy: probe.otherCores() });
}

/** [name, x shape, kernel size, output channels, stride, padding] */
const CONVS: [string, [number, number, number, number], number, number, number, 'same' | 'valid'][] = [
  ['ResNet-20 3x3 16', [128, 32, 32, 16], 3, 16, 1, 'same'],
  ['ResNet-20 3x3 32', [128, 16, 16, 32], 3, 32, 1, 'same'],
  ['ResNet-20 3x3 64', [128, 8, 8, 64], 3, 64, 1, 'same'],
  ['ResNet-20 3x3 s2 16->32', [128, 32, 32, 16], 3, 32, 2, 'same'],
  ['LeNet 5x5 1->20', [128, 28, 28, 1], 5, 20, 1, 'valid'],
  ['LeNet 5x5 20->50', [128, 12, 12, 20], 5, 50, 1, 'valid'],
  ['MobileNet 1x1 64->128', [128, 32, 32, 64], 1, 128, 1, 'same'],
  ['MobileNet 1x1 512->512', [128, 4, 4, 512], 1, 512, 1, 'same'],
  ['VGG-11 3x3 512', [128, 2, 2, 512], 3, 512, 1, 'same'],
];

/** [name, m, n, k] of C = A B^T (k: the contraction) */
const PRODUCTS: [string, number, number, number][] = [
  ['MobileNet 1x1 dx 512<-512', 2048, 512, 512],
  ['MobileNet 1x1 dx 1024<-1024', 512, 1024, 1024],
  ['MobileNet 1x1 dx 256<-256', 8192, 256, 256],
  ['MobileNet 1x1 dx 64<-128', 32768, 64, 128],
  ['LeNet col2im dy.W^T 500<-50', 8192, 500, 50],
];

const threads = Number(process.argv.find((a) => a.startsWith('--threads='))?.slice(10) ?? 1);
const info = await initBackend('wasm', { threads });
const backend = tf.backend() as unknown as BackendWasm;
console.log(`bench:kernels: ${machineLine()}; ${info.name}, ${info.threads} thread(s) for XNNPACK, 1 for releq`);
for (const [name, xs, k, cout, s, pad] of CONVS) {
  const x = tf.randomNormal(xs) as tf.Tensor4D;
  const filterShape: [number, number, number, number] = [k, k, xs[3], cout];
  const conv = tf.backend_util.computeConv2DInfo(xs, filterShape, s, 1, pad, undefined, false, 'channelsLast');
  const dy = tf.randomNormal([xs[0], conv.outHeight, conv.outWidth, cout]) as tf.Tensor4D;
  const flops = 2 * k * k * xs[3] * cout * xs[0] * conv.outHeight * conv.outWidth;
  const fresh = (): tf.Tensor4D => tf.mul(dy, 1);
  // XNNPACK: the conv trick; for 1x1 its GEMM x^T dy through the stock BatchMatMul (the conv
  // trick's tf.matMul would now run releq's kernel itself).
  const stockMatMul = stockWasmKernel('BatchMatMul')!;
  const xnnpack = k === 1
    ? (): tf.Tensor => tf.tidy(() => {
      const xT = tf.transpose(tf.reshape(x, [-1, xs[3]]));
      const info = stockMatMul({ inputs: { a: xT, b: tf.reshape(fresh(), [-1, cout]) }, backend: tf.backend(), attrs: { transposeA: false, transposeB: false } });
      return tf.engine().makeTensorFromTensorInfo(info as tf.TensorInfo);
    })
    : (): tf.Tensor => tf.tidy(() => tf.engine().makeTensorFromTensorInfo(filterGradByConvTrick(x, fresh(), conv)));
  record('Conv2DBackpropFilter', name, flops,
    () => tf.tidy(() => tf.engine().makeTensorFromTensorInfo(filterGradByReleq(backend, x, fresh(), conv))),
    xnnpack);
  tf.dispose([x, dy]);
}
for (const [name, m, n, k] of PRODUCTS) {
  const a = tf.randomNormal([m, k]);
  const b = tf.randomNormal([n, k]);
  // releq reads B as [n,k]; the XNNPACK path gets B^T [k,n] without a transpose flag (and packs it).
  record('A B^T (gemm_nt)', name, 2 * m * n * k,
    () => tf.tidy(() => {
      const bb = tf.mul(b, 1);
      const out = makeOutput(backend, [m, n], 'float32');
      releqKernels(backend).gemm_nt(heapOffset(backend, a), heapOffset(backend, bb), heapOffset(backend, out), m, n, k);
      return tf.engine().makeTensorFromTensorInfo(out);
    }),
    () => tf.tidy(() => tf.matMul(a, tf.mul(tf.transpose(b), 1))));
  tf.dispose([a, b]);
}

const head = ['kernel', 'shape', 'GFLOP', 'releq ms', 'GF/s', 'XNNPACK ms', 'GF/s', 'speedup', 'other cores'];
const body = rows.map((r) => [r.kernel, r.shape, r.gflop.toFixed(2), r.releqMs.toFixed(1), (r.gflop * 1000 / r.releqMs).toFixed(1),
  r.xnnpackMs.toFixed(1), (r.gflop * 1000 / r.xnnpackMs).toFixed(1), `${r.speedup.toFixed(2)}x`, r.otherCoresBusy.toFixed(2)]);
const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
for (const line of [head, ...body]) console.log(line.map((c, i) => c.padEnd(widths[i]!)).join('  '));
console.log(`median of ${REPEATS} calls after 1 warm-up; the XNNPACK column of A B^T includes transposing B, as the stock path must.`);
const out = path.resolve(`bench/results/kernels${threads > 1 ? `-${threads}t` : ''}.json`);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ machine: machineLine(), date: new Date().toISOString(), threads: info.threads, rows }, null, 2)}\n`);
console.log(`wrote ${out}`);
