import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ReleqError } from '../errors.js';
import type { AgentSnapshot } from '../registry/contracts/index.js';
import type { RngState } from '../services/rng.js';
import type { AssignmentResult, ParetoPoint } from './types.js';
import type { CachedEvaluation } from './scorer.js';

export const CHECKPOINT_FILE = 'checkpoint.json';
export const EPISODES_FILE = 'episodes.jsonl';

/** Everything a search needs to continue exactly where it stopped. */
export interface SearchCheckpoint {
  readonly version: 1;
  /** The MDP design the checkpoint belongs to; a resume with another design is refused. */
  readonly fingerprint: string;
  readonly episode: number;
  readonly wallSeconds: number;
  readonly rng: { words: RngState; spareNormal: number | null };
  readonly agent: AgentSnapshot;
  readonly cache: ReadonlyArray<readonly [string, CachedEvaluation]>;
  readonly cacheHits: number;
  readonly best: AssignmentResult | null;
  readonly pareto: readonly ParetoPoint[];
  /** Length of episodes.jsonl at this checkpoint; lines after it are dropped on resume. */
  readonly episodesBytes: number;
  /** State_Accuracy of the starting assignment. */
  readonly startAccuracy: number;
}

/** Float64 base64 keeps weights and optimizer slots bit-exact while staying a JSON string. */
function encodeArrays(arrays: AgentSnapshot['arrays']): Record<string, { shape: readonly number[]; f64: string }> {
  const out: Record<string, { shape: readonly number[]; f64: string }> = {};
  for (const [name, a] of Object.entries(arrays)) {
    out[name] = { shape: a.shape, f64: Buffer.from(Float64Array.from(a.values).buffer).toString('base64') };
  }
  return out;
}

function decodeArrays(encoded: Record<string, { shape: number[]; f64: string }>): AgentSnapshot['arrays'] {
  const out: Record<string, { shape: number[]; values: number[] }> = {};
  for (const [name, a] of Object.entries(encoded)) {
    const buf = Buffer.from(a.f64, 'base64');
    const copy = new Uint8Array(buf.length);
    copy.set(buf);
    out[name] = { shape: a.shape, values: Array.from(new Float64Array(copy.buffer)) };
  }
  return out;
}

/** Writes the checkpoint atomically: a temp file in the same folder, then rename. */
export async function writeCheckpoint(dir: string, checkpoint: SearchCheckpoint): Promise<void> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, CHECKPOINT_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  const body = { ...checkpoint, agent: { json: checkpoint.agent.json, arrays: encodeArrays(checkpoint.agent.arrays) } };
  await writeFile(tmp, JSON.stringify(body));
  await rename(tmp, path);
}

/** The checkpoint in `dir`, or null when there is none. */
export async function readCheckpoint(dir: string): Promise<SearchCheckpoint | null> {
  const path = join(dir, CHECKPOINT_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const raw = JSON.parse(text) as SearchCheckpoint & { agent: { json: unknown; arrays: Record<string, { shape: number[]; f64: string }> } };
    if (raw.version !== 1) throw new Error(`unknown checkpoint version ${String(raw.version)}`);
    return { ...raw, agent: { json: raw.agent.json, arrays: decodeArrays(raw.agent.arrays) } };
  } catch (cause) {
    throw new ReleqError('data', `search checkpoint ${path} cannot be read: ${(cause as Error).message}`, {
      hint: 'Delete it to start the search afresh, or resume from another run folder.',
      cause,
    });
  }
}
