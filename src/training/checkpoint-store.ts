import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReleqError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { WeightSnapshot } from './weights.js';

const FORMAT = 'releq-checkpoint-1';

interface Manifest<M> {
  readonly format: string;
  readonly weights: readonly { name: string; shape: readonly number[]; offset: number; length: number }[];
  readonly meta: M;
}

/**
 * Saves weights as `weights.bin` (float32 little-endian, concatenated) and `manifest.json` (names,
 * shapes, offsets, metadata). Each file is written atomically and the manifest last, so a crash
 * leaves either no checkpoint or a whole one.
 */
export function saveCheckpoint<M>(dir: string, snapshot: WeightSnapshot, meta: M): void {
  const total = snapshot.values.reduce((a, v) => a + v.length, 0);
  const bin = new Float32Array(total);
  let offset = 0;
  const weights = snapshot.values.map((v, i) => {
    bin.set(v, offset);
    const entry = { name: snapshot.names[i]!, shape: snapshot.shapes[i]!, offset, length: v.length };
    offset += v.length;
    return entry;
  });
  writeFileAtomic(join(dir, 'weights.bin'), new Uint8Array(bin.buffer));
  const manifest: Manifest<M> = { format: FORMAT, weights, meta };
  writeFileAtomic(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
}

/** The checkpoint in `dir`, or null when there is none. A damaged one is an error naming the folder. */
export function loadCheckpoint<M>(dir: string): { snapshot: WeightSnapshot; meta: M } | null {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) return null;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest<M>;
  const binPath = join(dir, 'weights.bin');
  const damaged = (why: string): ReleqError => new ReleqError('data', `checkpoint ${dir} is damaged: ${why}`, { hint: `delete ${dir}; it is trained again on the next run` });
  if (manifest.format !== FORMAT) throw damaged(`unknown format ${String(manifest.format)}`);
  if (!existsSync(binPath)) throw damaged('weights.bin is missing');
  const raw = readFileSync(binPath);
  const all = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const values = manifest.weights.map((w) => {
    if (w.offset + w.length > all.length) throw damaged(`weight ${w.name} runs past the end of weights.bin`);
    return all.slice(w.offset, w.offset + w.length);
  });
  return {
    snapshot: { names: manifest.weights.map((w) => w.name), shapes: manifest.weights.map((w) => w.shape), values },
    meta: manifest.meta,
  };
}
