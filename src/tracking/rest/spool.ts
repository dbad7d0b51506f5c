/**
 * The spool: when the tracking server stays unreachable, a run's calls are appended to
 * `<dir>/<id>.jsonl` (one JSON object per line, append-only, one file per run) and replayed later
 * by `syncSpool`. Which entries reached the server is recorded in `<id>.applied.jsonl`
 * (`started` before sending, `done` after), so a replay never sends an entry twice and re-checks
 * an entry that was cut off mid-send. Credentials are never written here.
 */
import {
  appendFileSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { MetricPoint, RunStatus } from '../../registry/contracts/tracker.js';
import type { KeyValue } from './api.js';
import { mlflowJson } from './http-client.js';

export type SpoolEntry =
  | { seq: number; op: 'start'; url: string; experimentName: string; runName: string; userId: string; startTime: number;
    tags: KeyValue[]; clientKey: string; runId?: string; artifactUri?: string }
  | { seq: number; op: 'batch'; metrics: readonly MetricPoint[]; params: readonly KeyValue[]; tags: readonly KeyValue[]; maybeSent?: boolean }
  | { seq: number; op: 'artifact'; file: string; artifactDir: string }
  | { seq: number; op: 'end'; status: Exclude<RunStatus, 'RUNNING'>; endTime: number };
type Unsequenced<T> = T extends unknown ? Omit<T, 'seq'> : never;
export type NewSpoolEntry = Unsequenced<SpoolEntry>;

export interface JournalLine { seq: number; state: 'started' | 'done'; runId?: string; artifactUri?: string }

/** Parses JSONL; a torn last line (a crash mid-append) is ignored, any other bad line is an error. */
function readJsonl<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: T[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try { out.push(JSON.parse(line) as T); } catch (error) { if (i < lines.length - 1) throw error; }
  });
  return out;
}

function decodeValue(v: unknown): number {
  return v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : Number(v);
}

export class SpoolFile {
  private seq: number;

  constructor(readonly dir: string, readonly id: string) {
    mkdirSync(dir, { recursive: true });
    const entries = this.entries();
    this.seq = entries.length === 0 ? 0 : Math.max(...entries.map((e) => e.seq)) + 1;
  }

  static create(dir: string): SpoolFile {
    return new SpoolFile(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`);
  }

  get path(): string { return join(this.dir, `${this.id}.jsonl`); }
  get journalPath(): string { return join(this.dir, `${this.id}.applied.jsonl`); }
  get filesDir(): string { return join(this.dir, `${this.id}.files`); }
  private get lockPath(): string { return join(this.dir, `${this.id}.lock`); }

  /** Appends one entry as one whole line (a single write). */
  append(entry: NewSpoolEntry): SpoolEntry {
    const full = { ...entry, seq: this.seq++ } as SpoolEntry;
    appendFileSync(this.path, `${mlflowJson(full)}\n`);
    return full;
  }

  /** Copies an artifact into the spool now, so later changes to the original cannot alter what is replayed. */
  appendArtifact(localPath: string, artifactDir: string): SpoolEntry {
    const slot = join(this.filesDir, String(this.seq));
    mkdirSync(slot, { recursive: true });
    const name = basename(localPath);
    if (statSync(localPath).isDirectory()) copyTree(localPath, join(slot, name));
    else copyFileSync(localPath, join(slot, name));
    return this.append({ op: 'artifact', file: join(String(this.seq), name), artifactDir });
  }

  entries(): SpoolEntry[] {
    return readJsonl<SpoolEntry>(this.path).map((e) => (e.op === 'batch'
      ? { ...e, metrics: e.metrics.map((m) => ({ ...m, value: decodeValue(m.value) })) }
      : e));
  }

  journal(): JournalLine[] { return readJsonl<JournalLine>(this.journalPath); }

  record(line: JournalLine): void { appendFileSync(this.journalPath, `${JSON.stringify(line)}\n`); }

  /** Non-blocking exclusive lock, so two replays of one spool never run at once. */
  tryLock(staleMs = 10 * 60_000): boolean {
    try {
      closeSync(openSync(this.lockPath, 'wx'));
      return true;
    } catch {
      try {
        if (Date.now() - statSync(this.lockPath).mtimeMs > staleMs) { unlinkSync(this.lockPath); return this.tryLock(staleMs); }
      } catch { /* lock vanished: next sync takes it */ }
      return false;
    }
  }

  unlock(): void { rmSync(this.lockPath, { force: true }); }

  /** Everything replayed and the run ended: the spool is no longer needed. */
  remove(): void {
    rmSync(this.path, { force: true });
    rmSync(this.journalPath, { force: true });
    rmSync(this.filesDir, { recursive: true, force: true });
  }
}

function copyTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    if (statSync(src).isDirectory()) copyTree(src, join(to, name));
    else copyFileSync(src, join(to, name));
  }
}
