import { readFileSync } from 'node:fs';
import os from 'node:os';

/** CPU time other processes used while a measurement ran, in cores (from /proc/stat minus our own). */
export class LoadProbe {
  private readonly start = LoadProbe.sample();
  readonly startedAt = performance.now();

  private static sample(): { busy: number; own: number; wall: number } {
    let busy = Number.NaN;
    try {
      const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
      const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
      busy = (fields.slice(0, 8).reduce((p, v) => p + v, 0) - idle) / 100; // USER_HZ = 100
    } catch { /* not Linux: unknown */ }
    const usage = process.cpuUsage();
    return { busy, own: (usage.user + usage.system) / 1e6, wall: performance.now() / 1000 };
  }

  /** Average number of cores busy with other processes since construction (NaN if unknown). */
  otherCores(): number {
    const end = LoadProbe.sample();
    const wall = end.wall - this.start.wall;
    if (wall <= 0) return Number.NaN;
    return Math.max(0, (end.busy - this.start.busy - (end.own - this.start.own)) / wall);
  }
}

export function machineLine(): string {
  const cpus = os.cpus();
  return `${cpus.length} x ${cpus[0]?.model ?? 'unknown cpu'}, Node ${process.version}, loadavg ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}
