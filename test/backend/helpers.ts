import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/index.js';
import type { BackendInfo } from '../../src/registry/contracts/backend.js';
import { Rng } from '../../src/services/rng.js';

/** Starts wasm (single thread, fused BN on) for the backend tests; idempotent. */
export async function useWasm(): Promise<BackendInfo> {
  const info = await initBackend('wasm', { threads: 1 });
  if (tf.getBackend() !== 'wasm') await tf.setBackend('wasm');
  return info;
}

export interface HostTensor { readonly shape: number[]; readonly values: Float32Array }

export function randomHost(shape: number[], seed: number, name: string): HostTensor {
  const rng = Rng.stream(seed, name);
  const values = new Float32Array(shape.reduce((p, d) => p * d, 1));
  for (let i = 0; i < values.length; i++) values[i] = rng.normal();
  return { shape, values };
}

/**
 * Runs `fn` on backend `name` with fresh tensors built from host data and returns the outputs
 * as host arrays; always switches back to wasm afterwards (tf.setBackend is global).
 */
export async function runOn(name: 'cpu' | 'wasm', inputs: HostTensor[], fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): Promise<HostTensor[]> {
  await tf.setBackend(name);
  try {
    const xs = inputs.map((h) => tf.tensor(h.values, h.shape));
    const out = fn(...xs);
    const outs = Array.isArray(out) ? out : [out];
    const host = outs.map((t) => ({ shape: t.shape.slice(), values: Float32Array.from(t.dataSync()) }));
    tf.dispose([...xs, ...outs]);
    return host;
  } finally {
    await tf.setBackend('wasm');
  }
}

/** max |a-b| / max(1, max |b|) over all outputs; throws on a shape mismatch. */
export function relErr(a: HostTensor[], b: HostTensor[]): number {
  let worst = 0;
  a.forEach((x, k) => {
    const y = b[k]!;
    if (x.shape.join(',') !== y.shape.join(',')) throw new Error(`shape ${x.shape} vs ${y.shape}`);
    let maxAbs = 0;
    let maxRef = 1;
    for (let i = 0; i < x.values.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(x.values[i]! - y.values[i]!));
      maxRef = Math.max(maxRef, Math.abs(y.values[i]!));
    }
    if (Number.isNaN(maxAbs)) maxAbs = Infinity;
    worst = Math.max(worst, maxAbs / maxRef);
  });
  return worst;
}

export async function compareKernel(inputs: HostTensor[], fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): Promise<number> {
  const onWasm = await runOn('wasm', inputs, fn);
  const onCpu = await runOn('cpu', inputs, fn);
  return relErr(onWasm, onCpu);
}
