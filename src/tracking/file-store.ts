/**
 * A writer for MLflow's FileStore (`mlruns/`), byte for byte what MLflow 2.12.2 writes:
 * experiment and run meta.yaml through the same YAML emitter, one file per param/tag (value, no
 * newline), metric lines `timestamp value step` with Python float repr, `artifacts/` copies.
 * Layout and rules: ../../docs/tracking.md. One writer per run (as MLflow assumes).
 */
import { randomInt, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ReleqError } from '../errors.js';
import type { RunStatus } from '../registry/contracts/tracker.js';
import { pathToFileUri, withLockFile, writeAtomic } from './fs-util.js';
import { validateExperimentName, validateRunId } from './validation.js';
import { RunWriter } from './file-store-run.js';
import {
  experimentMetaYaml, runMetaYaml, type CreateRunRequest, type ExperimentMeta, type RunMeta,
} from './file-store-format.js';

export type { CreateRunRequest, ExperimentMeta, RunMeta } from './file-store-format.js';

export const DEFAULT_EXPERIMENT_ID = '0';
const RESERVED_ROOT = new Set(['.trash', 'models']);
const STATUS_NAME: Readonly<Record<number, RunStatus>> = { 1: 'RUNNING', 3: 'FINISHED', 4: 'FAILED', 5: 'KILLED' };

/** MLflow's `_generate_unique_integer_id`: the last 18 digits of a uuid4, no leading zero. */
export function generateExperimentId(): string {
  let digits = BigInt(`0x${randomUUID().replaceAll('-', '')}`).toString().slice(-18);
  while (digits.startsWith('0')) digits = digits.slice(1) + String(randomInt(10));
  return digits;
}

function readYaml(path: string): Record<string, unknown> | undefined {
  try {
    const data: unknown = parseYaml(readFileSync(path, 'utf8'));
    return typeof data === 'object' && data !== null ? data as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

function subdirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
}

export class MlflowFileStore {
  readonly root: string;

  private readonly now: () => number;
  private readonly warn: (message: string) => void;
  private initialised = false;

  constructor(root: string, options: { now?: () => number; warn?: (message: string) => void } = {}) {
    this.now = options.now ?? Date.now;
    this.warn = options.warn ?? (() => {});
    this.root = resolve(root);
  }

  /** As MLflow's FileStore.__init__: a new root gets the Default experiment; .trash always exists. */
  private ensureRoot(): void {
    if (this.initialised) return;
    if (existsSync(this.root) && !statSync(this.root).isDirectory()) {
      throw new ReleqError('tracking', `MLflow store ${this.root} is not a folder`, { hint: 'point the tracker uri at a folder' });
    }
    if (!existsSync(this.root)) {
      mkdirSync(this.root, { recursive: true });
      this.writeExperiment(DEFAULT_EXPERIMENT_ID, 'Default');
    }
    mkdirSync(join(this.root, '.trash'), { recursive: true });
    this.initialised = true;
  }

  listExperiments(): ExperimentMeta[] {
    this.ensureRoot();
    const out: ExperimentMeta[] = [];
    for (const id of subdirs(this.root)) {
      if (RESERVED_ROOT.has(id)) continue;
      const meta = readYaml(join(this.root, id, 'meta.yaml'));
      if (meta === undefined || String(meta['experiment_id']) !== id) continue; // MLflow skips these too
      out.push({
        experimentId: id, name: String(meta['name']), artifactLocation: String(meta['artifact_location']),
        lifecycleStage: String(meta['lifecycle_stage'] ?? 'active'),
      });
    }
    return out;
  }

  getExperimentByName(name: string): ExperimentMeta | undefined {
    return this.listExperiments().find((e) => e.name === name && e.lifecycleStage === 'active');
  }

  /** The active experiment called `name`, created (with a fresh 18-digit id) when absent. */
  getOrCreateExperiment(name: string): ExperimentMeta {
    validateExperimentName(name);
    const found = this.getExperimentByName(name);
    if (found !== undefined) return found;
    // The lock file sits in the root, where MLflow ignores files (it lists folders only).
    return withLockFile(join(this.root, '.releq-experiments.lock'), () => {
      const again = this.getExperimentByName(name);
      if (again !== undefined) return again;
      let id = generateExperimentId();
      while (existsSync(join(this.root, id))) id = generateExperimentId();
      return this.writeExperiment(id, name);
    });
  }

  private writeExperiment(id: string, name: string): ExperimentMeta {
    const dir = join(this.root, id);
    mkdirSync(dir, { recursive: true });
    const meta: ExperimentMeta = {
      experimentId: id, name, artifactLocation: `${pathToFileUri(this.root)}/${id}`, lifecycleStage: 'active',
    };
    const t = this.now();
    writeAtomic(dir, join(dir, 'meta.yaml'), experimentMetaYaml(meta, t, t));
    return meta;
  }

  createRun(request: CreateRunRequest): RunWriter {
    const experiment = this.listExperiments().find((e) => e.experimentId === request.experimentId);
    if (experiment === undefined) {
      throw new ReleqError('tracking', `Could not create run under experiment with ID ${request.experimentId} - no such experiment exists.`);
    }
    if (experiment.lifecycleStage !== 'active') {
      throw new ReleqError('tracking', `Could not create run under non-active experiment with ID ${request.experimentId}.`);
    }
    const runId = randomUUID().replaceAll('-', '');
    const dir = join(this.root, request.experimentId, runId);
    const meta: RunMeta = {
      runId, experimentId: request.experimentId, runName: request.runName, userId: request.userId,
      status: 'RUNNING', startTime: request.startTime, endTime: null,
      artifactUri: `${experiment.artifactLocation}/${runId}/artifacts`, lifecycleStage: 'active',
    };
    mkdirSync(dir, { recursive: true });
    writeAtomic(dir, join(dir, 'meta.yaml'), runMetaYaml(meta, true));
    for (const sub of ['metrics', 'params', 'artifacts']) mkdirSync(join(dir, sub), { recursive: true });
    const writer = new RunWriter(dir, meta, this.now, this.warn);
    writer.logBatch({ tags: { 'mlflow.runName': request.runName, ...request.tags } });
    return writer;
  }

  /** Reopens an existing run (resume); it goes back to RUNNING with no end time, as MLflow does. */
  resumeRun(runId: string): RunWriter {
    validateRunId(runId);
    this.ensureRoot();
    for (const parent of [this.root, join(this.root, '.trash')]) {
      for (const expId of subdirs(parent)) {
        if (RESERVED_ROOT.has(expId)) continue;
        const dir = join(parent, expId, runId);
        const meta = readYaml(join(dir, 'meta.yaml'));
        if (meta === undefined) continue;
        const run = this.parseRunMeta(meta, expId, runId);
        if (run.lifecycleStage !== 'active') {
          throw new ReleqError('tracking', `The run ${runId} must be in the 'active' state. Current state is ${run.lifecycleStage}.`);
        }
        const writer = new RunWriter(dir, run, this.now, this.warn);
        writer.repairMetrics();
        writer.update('RUNNING', null);
        return writer;
      }
    }
    throw new ReleqError('tracking', `Run '${runId}' not found in ${this.root}`, { hint: 'check resumeRunId and the tracker uri' });
  }

  private parseRunMeta(meta: Record<string, unknown>, expId: string, runId: string): RunMeta {
    const status = STATUS_NAME[Number(meta['status'] ?? 1)];
    if (String(meta['experiment_id']) !== expId || status === undefined) {
      throw new ReleqError('tracking', `Run '${runId}' metadata is in invalid state.`);
    }
    return {
      runId, experimentId: expId, runName: String(meta['run_name'] ?? ''), userId: String(meta['user_id'] ?? ''),
      status, startTime: Number(meta['start_time']), endTime: meta['end_time'] == null ? null : Number(meta['end_time']),
      artifactUri: String(meta['artifact_uri']), lifecycleStage: String(meta['lifecycle_stage'] ?? 'active'),
    };
  }
}
