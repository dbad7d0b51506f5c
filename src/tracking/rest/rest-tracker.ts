/**
 * The `Tracker` contract over an MLflow tracking server. When the server stays unreachable
 * (after the client's retries) the run carries on: that call and every later one of the run go
 * to a spool file, replayed at the run's end, at the next start, or by `releq tracking sync`.
 */
import { randomUUID } from 'node:crypto';
import type { MetricPoint, RunStatus, Tracker, TrackerRun, TrackerRunInfo } from '../../registry/contracts/tracker.js';
import type { Logger } from '../../services/logger.js';
import { runNameOrDefault, runTags } from '../file-tracker.js';
import { safeArtifactDir } from '../file-store-run.js';
import { defaultSystemTags } from '../system-tags.js';
import { validateMetric, validateParam, validateTag, type Truncation } from '../validation.js';
import { MlflowRestApi, type KeyValue, type LogBatchBody } from './api.js';
import { chunkBatch, createRunOnce, logChunkOnce, uploadArtifact } from './batch.js';
import { MlflowHttpClient, MlflowRequestError, redactUrl, type HttpClientOptions } from './http-client.js';
import { SpoolFile } from './spool.js';
import { findByClientKey, isUnreachable, PENDING_PREFIX, replaySpool, syncSpool } from './sync.js';

export interface RestTrackerOptions {
  readonly url: string;
  readonly experimentName?: string;
  /** Folder for spool files (runs logged while the server was unreachable). */
  readonly spoolDir: string;
  readonly logger?: Logger;
  readonly systemTags?: Readonly<Record<string, string>>;
  readonly now?: () => number;
  readonly http?: Omit<HttpClientOptions, 'url'>;
}

interface RunContext {
  readonly api: MlflowRestApi;
  readonly options: RestTrackerOptions;
  readonly start: { experimentName: string; runName: string; userId: string; startTime: number; tags: KeyValue[]; clientKey: string };
}

const kv = (record: Readonly<Record<string, string>>): KeyValue[] => Object.entries(record).map(([key, value]) => ({ key, value }));

export class RestTracker implements Tracker {
  readonly api: MlflowRestApi;
  private syncedAtStart = false;

  constructor(private readonly options: RestTrackerOptions) {
    this.api = new MlflowRestApi(new MlflowHttpClient({ ...options.http, url: options.url }));
  }

  async startRun(info: TrackerRunInfo): Promise<TrackerRun> {
    const { options, api } = this;
    if (!this.syncedAtStart && await api.http.ping()) {
      this.syncedAtStart = true;
      const report = await syncSpool({
        spoolDir: options.spoolDir, onlyUrl: options.url, uri: options.url, http: options.http, ...(options.logger ? { logger: options.logger } : {}),
      })
        .catch((error: unknown) => { options.logger?.warn(`mlflow: replaying the spool failed: ${(error as Error).message}`); return undefined; });
      const left = report?.replays.filter((r) => r.remaining > 0).length ?? 0;
      if (left > 0) options.logger?.warn(`mlflow: ${left} spooled run(s) still wait for ${redactUrl(options.url)}`);
    }
    const tags = runTags(info, options.systemTags ?? defaultSystemTags());
    const ctx: RunContext = {
      api, options,
      start: {
        experimentName: options.experimentName ?? info.experimentName, runName: runNameOrDefault(info.runName),
        userId: tags['mlflow.user'] ?? '', startTime: (options.now ?? Date.now)(), tags: kv(tags),
        // Resuming a run that so far exists only in a spool: keep its key, so both become one run.
        clientKey: info.resumeRunId?.startsWith(PENDING_PREFIX) ? info.resumeRunId.slice(PENDING_PREFIX.length) : randomUUID(),
      },
    };
    const resumeId = info.resumeRunId?.startsWith(PENDING_PREFIX) ? undefined : info.resumeRunId;
    try {
      if (resumeId !== undefined) {
        await api.updateRun(resumeId, 'RUNNING');
        const run = await api.getRun(resumeId);
        const resumed = new RestTrackerRun(ctx, run.info.run_id, run.info.experiment_id, run.info.artifact_uri);
        if (Object.keys(info.tags).length > 0) await resumed.setTags(info.tags);
        return resumed;
      }
      const experiment = await api.getOrCreateExperiment(ctx.start.experimentName);
      const existing = info.resumeRunId !== undefined ? await findByClientKey(api, experiment.experiment_id, ctx.start.clientKey) : undefined;
      if (existing !== undefined) await api.updateRun(existing.info.run_id, 'RUNNING');
      const run = existing ?? await createRunOnce(api, {
        experiment_id: experiment.experiment_id, run_name: ctx.start.runName, user_id: ctx.start.userId,
        start_time: ctx.start.startTime, tags: ctx.start.tags,
      }, ctx.start.clientKey);
      return new RestTrackerRun(ctx, run.info.run_id, experiment.experiment_id, run.info.artifact_uri);
    } catch (error) {
      if (!isUnreachable(error)) throw error;
      const run = new RestTrackerRun(ctx, resumeId ?? `${PENDING_PREFIX}${ctx.start.clientKey}`, undefined, undefined);
      run.goOffline(error as MlflowRequestError, resumeId !== undefined);
      return run;
    }
  }

  async close(): Promise<void> { await this.api.http.close(); }
}

class RestTrackerRun implements TrackerRun {
  private spool: SpoolFile | undefined;

  constructor(
    private readonly ctx: RunContext,
    readonly runId: string,
    private readonly experimentId: string | undefined,
    private readonly artifactUri: string | undefined,
  ) {}

  get location(): string {
    return this.spool !== undefined && this.experimentId === undefined
      ? `${this.spool.path} (spooled for ${redactUrl(this.ctx.options.url)})`
      : `${redactUrl(this.ctx.options.url)}/#/experiments/${this.experimentId ?? '?'}/runs/${this.runId}`;
  }

  /** From now on this run writes to a spool; the first entry says which run (or which run to create). */
  goOffline(error: MlflowRequestError, runExists = this.experimentId !== undefined): SpoolFile {
    if (this.spool !== undefined) return this.spool;
    const spool = SpoolFile.create(this.ctx.options.spoolDir);
    this.spool = spool;
    spool.append({
      op: 'start', url: redactUrl(this.ctx.options.url), ...this.ctx.start,
      ...(runExists ? { runId: this.runId } : {}), ...(this.artifactUri ? { artifactUri: this.artifactUri } : {}),
    });
    this.ctx.options.logger?.warn(`mlflow: server unreachable (${error.message}); the run goes on and is spooled to `
      + `${spool.path}; 'releq tracking sync' sends it later`);
    return spool;
  }

  async logParams(params: Readonly<Record<string, string>>): Promise<void> {
    await this.batch({ params: Object.entries(params).map(([k, v]) => this.warnTruncated('Param', validateParam(k, v))), metrics: [], tags: [] });
  }

  async logMetrics(points: readonly MetricPoint[]): Promise<void> {
    for (const p of points) validateMetric(p);
    await this.batch({ params: [], metrics: points, tags: [] });
  }

  async setTags(tags: Readonly<Record<string, string>>): Promise<void> {
    await this.batch({ params: [], metrics: [], tags: Object.entries(tags).map(([k, v]) => this.warnTruncated('Tag', validateTag(k, v))) });
  }

  private warnTruncated(what: string, v: { key: string; value: string; truncated?: Truncation }): KeyValue {
    if (v.truncated) this.ctx.options.logger?.warn(`${what} '${v.key}' value (${v.truncated.length} characters) is truncated to ${v.truncated.limit} characters to meet MLflow's length limit.`);
    return { key: v.key, value: v.value };
  }

  private async batch(batch: LogBatchBody): Promise<void> {
    const chunks = chunkBatch(this.runId, batch);
    for (let i = 0; i < chunks.length; i++) {
      const chunk = chunks[i] as LogBatchBody;
      if (this.spool !== undefined) { this.spool.append({ op: 'batch', ...chunk }); continue; }
      try {
        await logChunkOnce(this.ctx.api, this.runId, chunk);
      } catch (error) {
        if (!isUnreachable(error)) throw error;
        this.goOffline(error as MlflowRequestError).append({ op: 'batch', ...chunk, maybeSent: (error as MlflowRequestError).failure === 'uncertain' });
      }
    }
  }

  async logArtifact(localPath: string, artifactDir?: string): Promise<void> {
    const dir = safeArtifactDir(artifactDir);
    if (this.spool === undefined) {
      try {
        await uploadArtifact(this.ctx.api, this.artifactUri ?? '', localPath, dir);
        return;
      } catch (error) {
        if (!isUnreachable(error)) throw error;
        this.goOffline(error as MlflowRequestError);
      }
    }
    (this.spool as SpoolFile | undefined)?.appendArtifact(localPath, dir);
  }

  async end(status: Exclude<RunStatus, 'RUNNING'>): Promise<void> {
    const endTime = (this.ctx.options.now ?? Date.now)();
    if (this.spool === undefined) {
      try {
        await this.ctx.api.updateRun(this.runId, status, endTime);
        return;
      } catch (error) {
        if (!isUnreachable(error)) throw error;
        this.goOffline(error as MlflowRequestError);
      }
    }
    const spool = this.spool as SpoolFile;
    spool.append({ op: 'end', status, endTime });
    if (!(await this.ctx.api.http.ping())) {
      this.ctx.options.logger?.warn(`mlflow: run ${this.runId} stays spooled in ${spool.path}; run 'releq tracking sync' when the server is back`);
      return;
    }
    if (!spool.tryLock()) return;
    try {
      const replay = await replaySpool(this.ctx.api, spool);
      if (replay.remaining > 0) {
        this.ctx.options.logger?.warn(`mlflow: ${replay.remaining} spooled call(s) for run ${this.runId} wait in ${spool.path}; `
          + "run 'releq tracking sync' when the server is back");
      } else {
        this.ctx.options.logger?.info(`mlflow: spooled run replayed to ${redactUrl(this.ctx.options.url)} as ${replay.runId ?? this.runId}`);
        if (this.experimentId !== undefined) this.spool = undefined; // the server has it all: later calls go straight there
      }
    } finally {
      spool.unlock();
    }
  }
}
