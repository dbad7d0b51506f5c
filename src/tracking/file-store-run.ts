/** Writes one run's params, tags, metrics, artifacts and status in MLflow's FileStore layout. */
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { appendFileSync, existsSync, readFileSync, readdirSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { ReleqError } from '../errors.js';
import type { MetricPoint, RunStatus } from '../registry/contracts/tracker.js';
import { fileUriToPath, writeAtomic } from './fs-util.js';
import { runMetaYaml, type RunMeta } from './file-store-format.js';
import { pythonFloatRepr } from './python-float.js';
import { validateMetric, validateParam, validateTag, type Truncation } from './validation.js';

export interface RunBatch {
  readonly params?: Readonly<Record<string, string>>;
  readonly metrics?: readonly MetricPoint[];
  readonly tags?: Readonly<Record<string, string>>;
}

/** `f"{timestamp} {value} {step}\n"` as MLflow's FileStore appends it. */
export function metricLine(p: MetricPoint): string {
  return `${p.timestamp} ${pythonFloatRepr(p.value)} ${p.step}\n`;
}

/** Checks an artifact sub-folder as MLflow's validate_path_is_safe would (relative, no `..`). */
export function safeArtifactDir(dir: string | undefined): string {
  if (dir === undefined || dir === '' || dir === '.') return '';
  const parts = dir.split(/[\\/]/);
  if (dir.startsWith('/') || /^[A-Za-z]:/.test(dir) || parts.includes('..')) {
    throw new ReleqError('tracking', `artifact folder '${dir}' must be a relative path without '..'`);
  }
  return parts.filter((p) => p !== '' && p !== '.').join('/');
}

export class RunWriter {
  private tempCounter = 0;
  constructor(
    readonly dir: string,
    private meta: RunMeta,
    private readonly now: () => number,
    private readonly warn: (message: string) => void = () => {},
  ) {}

  get info(): RunMeta { return this.meta; }

  /**
   * Logs params, metrics and tags. Everything is validated before anything is written, so a bad
   * key or a changed param leaves the run untouched (MLflow would have written part of it).
   */
  logBatch(batch: RunBatch): void {
    const params = Object.entries(batch.params ?? {}).map(([k, v]) => this.noteTruncation('Param', validateParam(k, v)));
    const tags = Object.entries(batch.tags ?? {}).map(([k, v]) => this.noteTruncation('Tag', validateTag(k, v)));
    const metrics = batch.metrics ?? [];
    for (const m of metrics) validateMetric(m);
    for (const p of params) {
      const path = join(this.dir, 'params', p.key);
      if (!existsSync(path)) continue;
      const current = readFileSync(path, 'utf8');
      if (current !== p.value) {
        throw new ReleqError('tracking', `Changing param values is not allowed. Param with key='${p.key}' was already `
          + `logged with value='${current}' for run ID='${this.meta.runId}'. Attempted logging new value '${p.value}'.`,
        { hint: 'params are write-once in MLflow; log a changing value as a metric or a tag' });
      }
    }
    for (const p of params) writeAtomic(this.dir, join(this.dir, 'params', p.key), p.value);
    const byKey = new Map<string, string>();
    for (const m of metrics) byKey.set(m.key, (byKey.get(m.key) ?? '') + metricLine(m));
    for (const [key, lines] of byKey) {
      const path = join(this.dir, 'metrics', key);
      // A new file appears whole (temp + rename); later lines go in one append each, whole lines only.
      if (existsSync(path)) appendFileSync(path, lines);
      else writeAtomic(this.dir, path, lines);
    }
    for (const t of tags) writeAtomic(this.dir, join(this.dir, 'tags', t.key), t.value);
  }

  private noteTruncation<T extends { key: string; value: string; truncated?: Truncation }>(what: string, v: T): T {
    if (v.truncated !== undefined) {
      this.warn(`${what} value '${[...v.value].slice(0, 100).join('')}...' (${v.truncated.length} characters) is truncated `
        + `to ${v.truncated.limit} characters to meet the length limit.`);
    }
    return v;
  }

  /** Sets status and end time; meta.yaml is replaced atomically (MLflow drops `deleted_time` here too). */
  update(status: RunStatus, endTime: number | null): void {
    this.meta = { ...this.meta, status, endTime };
    writeAtomic(this.dir, join(this.dir, 'meta.yaml'), runMetaYaml(this.meta, false));
  }

  end(status: Exclude<RunStatus, 'RUNNING'>): void {
    this.update(status, this.now());
  }

  /** Copies a file (or a folder, recursively) into the run's artifacts, under `artifactDir`. */
  async logArtifact(localPath: string, artifactDir?: string): Promise<void> {
    if (!this.meta.artifactUri.startsWith('file:')) {
      throw new ReleqError('tracking', `run ${this.meta.runId} keeps artifacts at ${this.meta.artifactUri}, which the local `
        + 'file store cannot write', { hint: 'log to that server over http(s):// instead of its folder' });
    }
    const root = join(fileUriToPath(this.meta.artifactUri), safeArtifactDir(artifactDir));
    const info = await stat(localPath).catch(() => undefined);
    if (info === undefined) throw new ReleqError('tracking', `artifact ${localPath} does not exist`);
    if (info.isDirectory()) await this.copyTree(localPath, join(root, basename(localPath)));
    else await this.copyOne(localPath, join(root, basename(localPath)));
  }

  private async copyTree(from: string, to: string): Promise<void> {
    for (const entry of await readdir(from, { withFileTypes: true })) {
      if (entry.isDirectory()) await this.copyTree(join(from, entry.name), join(to, entry.name));
      else if (entry.isFile()) await this.copyOne(join(from, entry.name), join(to, entry.name));
    }
  }

  private async copyOne(from: string, to: string): Promise<void> {
    await mkdir(dirname(to), { recursive: true });
    const inside = !relative(this.dir, to).startsWith('..');
    const tmp = join(inside ? this.dir : dirname(to), `.releq-tmp-art-${process.pid}-${this.tempCounter++}`);
    try {
      await copyFile(from, tmp);
      await rename(tmp, to);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  /**
   * Before appending to a resumed run: drops a trailing partial line or an empty metric file left
   * by a crash outside our writes (either would hide the whole experiment from MLflow).
   */
  repairMetrics(): void {
    const walk = (dir: string): void => {
      if (!existsSync(dir)) return;
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) { walk(path); continue; }
        const text = readFileSync(path, 'utf8');
        const keep = text.endsWith('\n') ? text.length : text.lastIndexOf('\n') + 1;
        if (keep === 0) unlinkSync(path);
        else if (keep < text.length) truncateSync(path, Buffer.byteLength(text.slice(0, keep)));
      }
    };
    walk(join(this.dir, 'metrics'));
  }
}
