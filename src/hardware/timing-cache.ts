import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';

/** CPU model, core count and OS kernel version: timings from another machine are never reused. */
export function machineId(): string {
  const list = cpus();
  return `${list[0]?.model.trim() ?? 'unknown-cpu'} x${list.length} / ${process.platform} ${release()}`;
}

export interface TimingEntry {
  /** Fastest sample's milliseconds per image (activation packing + bit-serial GEMM). */
  readonly ms: number;
  readonly repetitions: number;
  /** 1-minute load average when measured: timings taken on a busy machine are noisier. */
  readonly loadavg1: number;
  readonly measuredAt: string;
}

interface CacheFile {
  version: 1;
  machines: Record<string, Record<string, TimingEntry>>;
}

/**
 * Kernel timings on disk, keyed by machine id and then by `shape|w<bits>a<bits>|variant`.
 * Writes merge with what is on disk (temp file + rename) so concurrent runs lose nothing.
 */
export class TimingCache {
  private readonly entries: Map<string, TimingEntry>;

  constructor(readonly file: string, readonly machine: string = machineId()) {
    this.entries = new Map(Object.entries(this.readFile().machines[machine] ?? {}));
  }

  static inDir(dir: string): TimingCache {
    return new TimingCache(join(dir, 'hardware', 'bit-serial-cpu-timings.json'));
  }

  static key(shape: string, wBits: number, aBits: number, variant: string): string {
    return `${shape}|w${wBits}a${aBits}|${variant}`;
  }

  get(key: string): TimingEntry | undefined {
    return this.entries.get(key);
  }

  get size(): number {
    return this.entries.size;
  }

  set(key: string, ms: number, repetitions: number): TimingEntry {
    const entry: TimingEntry = { ms, repetitions, loadavg1: loadavg()[0] ?? 0, measuredAt: new Date().toISOString() };
    this.entries.set(key, entry);
    return entry;
  }

  /** Writes this machine's entries, keeping other machines' and entries added by other processes. */
  save(): void {
    const file = this.readFile();
    file.machines[this.machine] = { ...(file.machines[this.machine] ?? {}), ...Object.fromEntries(this.entries) };
    writeFileAtomic(this.file, `${JSON.stringify(file, null, 1)}\n`);
  }

  private readFile(): CacheFile {
    if (!existsSync(this.file)) return { version: 1, machines: {} };
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<CacheFile>;
      if (parsed.version === 1 && typeof parsed.machines === 'object' && parsed.machines !== null) {
        return { version: 1, machines: parsed.machines };
      }
    } catch {
      // A corrupt cache only costs re-timing; it is rewritten on the next save.
    }
    return { version: 1, machines: {} };
  }
}
