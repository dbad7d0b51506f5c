/** The `Tracker` contract over a local MLflow file store (`./mlruns` or a configured folder). */
import { randomUUID } from 'node:crypto';
import type { MetricPoint, RunStatus, Tracker, TrackerRun, TrackerRunInfo } from '../registry/contracts/tracker.js';
import type { Logger } from '../services/logger.js';
import { MlflowFileStore } from './file-store.js';
import type { RunWriter } from './file-store-run.js';
import { defaultSystemTags } from './system-tags.js';

export interface FileStoreTrackerOptions {
  /** The store folder (absolute, or relative to the working directory). */
  readonly root: string;
  /** Overrides the experiment name each run asks for. */
  readonly experimentName?: string;
  readonly logger?: Logger;
  /** Defaults to mlflow.user / mlflow.source.name / mlflow.source.type for this process. */
  readonly systemTags?: Readonly<Record<string, string>>;
  readonly now?: () => number;
}

/** Tags for a new run: system tags, then the caller's, then the parent link for nested runs. */
export function runTags(info: TrackerRunInfo, systemTags: Readonly<Record<string, string>>): Record<string, string> {
  const tags: Record<string, string> = { ...systemTags, ...info.tags };
  if (info.parentRunId !== undefined) tags['mlflow.parentRunId'] = info.parentRunId;
  return tags;
}

export function runNameOrDefault(name: string): string {
  return name !== '' ? name : `run-${randomUUID().slice(0, 8)}`;
}

export class FileStoreTracker implements Tracker {
  readonly store: MlflowFileStore;
  private readonly now: () => number;

  constructor(private readonly options: FileStoreTrackerOptions) {
    this.now = options.now ?? Date.now;
    const logger = options.logger;
    this.store = new MlflowFileStore(options.root, { now: this.now, warn: (m) => logger?.warn(m) });
  }

  async startRun(info: TrackerRunInfo): Promise<TrackerRun> {
    if (info.resumeRunId !== undefined) {
      const writer = this.store.resumeRun(info.resumeRunId);
      if (Object.keys(info.tags).length > 0) writer.logBatch({ tags: info.tags });
      return new FileStoreRun(writer);
    }
    const experiment = this.store.getOrCreateExperiment(this.options.experimentName ?? info.experimentName);
    const tags = runTags(info, this.options.systemTags ?? defaultSystemTags());
    const writer = this.store.createRun({
      experimentId: experiment.experimentId, runName: runNameOrDefault(info.runName),
      userId: tags['mlflow.user'] ?? '', startTime: this.now(), tags,
    });
    this.options.logger?.debug(`mlflow: run ${writer.info.runId} in ${writer.dir}`);
    return new FileStoreRun(writer);
  }

  async close(): Promise<void> {}
}

class FileStoreRun implements TrackerRun {
  constructor(private readonly writer: RunWriter) {}
  get runId(): string { return this.writer.info.runId; }
  get location(): string { return this.writer.dir; }
  async logParams(params: Readonly<Record<string, string>>): Promise<void> { this.writer.logBatch({ params }); }
  async logMetrics(points: readonly MetricPoint[]): Promise<void> { this.writer.logBatch({ metrics: points }); }
  async setTags(tags: Readonly<Record<string, string>>): Promise<void> { this.writer.logBatch({ tags }); }
  async logArtifact(localPath: string, artifactDir?: string): Promise<void> { await this.writer.logArtifact(localPath, artifactDir); }
  async end(status: Exclude<RunStatus, 'RUNNING'>): Promise<void> { this.writer.end(status); }
}
