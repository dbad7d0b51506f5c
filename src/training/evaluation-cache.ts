import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Bitwidths } from '../registry/contracts/layer-table.js';

/** One measured assignment, as stored. */
export interface CachedEvaluation {
  readonly bits: readonly number[];
  readonly accuracy: number;
  readonly seconds: number;
}

/**
 * Accuracies by assignment in an append-only JSON-lines file. The file's name carries the hash of
 * everything that affects a score (network, data, checkpoint, quantizer, budget, seed), so runs of
 * the same configuration share it and any change starts a new file. The first line records the key
 * for people; a torn last line (a crash mid-write) is skipped on reading.
 */
export class EvaluationCache {
  private readonly entries = new Map<string, CachedEvaluation>();

  constructor(private readonly path: string, key: unknown) {
    if (existsSync(path)) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        let parsed: unknown;
        try { parsed = JSON.parse(line); } catch { continue; }
        if (isEntry(parsed) && !this.entries.has(parsed.bits.join(','))) this.entries.set(parsed.bits.join(','), parsed);
      }
    } else {
      mkdirSync(dirname(path), { recursive: true });
      appendFileSync(path, `${JSON.stringify({ key })}\n`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get(bits: Bitwidths): CachedEvaluation | undefined {
    return this.entries.get(bits.join(','));
  }

  /** Records a measurement (first one wins; later duplicates are ignored). */
  put(entry: CachedEvaluation): void {
    const k = entry.bits.join(',');
    if (this.entries.has(k)) return;
    this.entries.set(k, entry);
    appendFileSync(this.path, `${JSON.stringify({ bits: entry.bits, accuracy: entry.accuracy, seconds: round(entry.seconds), at: new Date().toISOString() })}\n`);
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

function isEntry(v: unknown): v is CachedEvaluation {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return Array.isArray(o['bits']) && o['bits'].every((b) => typeof b === 'number') && typeof o['accuracy'] === 'number' && typeof o['seconds'] === 'number';
}
