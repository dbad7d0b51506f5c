/** MLflow REST endpoints (api/2.0/mlflow) used by releq, typed; transport in http-client.ts. */
import { ReleqError } from '../../errors.js';
import type { MetricPoint, RunStatus } from '../../registry/contracts/tracker.js';
import { MlflowHttpClient, MlflowRequestError } from './http-client.js';

const API = '/api/2.0/mlflow';

export interface KeyValue { readonly key: string; readonly value: string }
export interface RestExperiment {
  readonly experiment_id: string;
  readonly name: string;
  readonly artifact_location?: string;
  readonly lifecycle_stage?: string;
  readonly tags?: readonly KeyValue[];
}
export interface RestRunInfo {
  readonly run_id: string;
  readonly experiment_id: string;
  readonly run_name?: string;
  readonly user_id?: string;
  readonly status: RunStatus | 'SCHEDULED';
  readonly start_time?: number;
  readonly end_time?: number;
  readonly artifact_uri?: string;
  readonly lifecycle_stage?: string;
}
export interface RestRun {
  readonly info: RestRunInfo;
  readonly data: { readonly metrics: MetricPoint[]; readonly params: KeyValue[]; readonly tags: KeyValue[] };
}
export interface LogBatchBody {
  readonly metrics: readonly MetricPoint[];
  readonly params: readonly KeyValue[];
  readonly tags: readonly KeyValue[];
}

/** Metric values come back as numbers or as "NaN" / "Infinity" / "-Infinity". */
function metricFromJson(m: Record<string, unknown>): MetricPoint {
  const v = m['value'];
  const value = typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : Number(v);
  return { key: String(m['key']), value, timestamp: Number(m['timestamp'] ?? 0), step: Number(m['step'] ?? 0) };
}

function runFromJson(raw: unknown): RestRun {
  const r = raw as { info: RestRunInfo; data?: { metrics?: Record<string, unknown>[]; params?: KeyValue[]; tags?: KeyValue[] } };
  return {
    info: r.info,
    data: {
      metrics: (r.data?.metrics ?? []).map(metricFromJson),
      params: r.data?.params ?? [],
      tags: r.data?.tags ?? [],
    },
  };
}

export class MlflowRestApi {
  constructor(readonly http: MlflowHttpClient) {}

  async getExperimentByName(name: string): Promise<RestExperiment | undefined> {
    try {
      const r = await this.http.call({ method: 'GET', path: `${API}/experiments/get-by-name`, query: { experiment_name: name }, idempotent: true });
      return (r as { experiment: RestExperiment }).experiment;
    } catch (error) {
      if (error instanceof MlflowRequestError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST') return undefined;
      throw error;
    }
  }

  /** Get-or-create that survives a race with another client creating the same name. */
  async getOrCreateExperiment(name: string): Promise<RestExperiment> {
    const found = await this.getExperimentByName(name);
    // SQL-backed servers also return deleted experiments here; runs cannot be created in them.
    if (found !== undefined && found.lifecycle_stage === 'deleted') {
      throw new ReleqError('tracking', `MLflow experiment '${name}' (id ${found.experiment_id}) is deleted`,
        { hint: 'restore it (mlflow experiments restore) or choose another experiment name' });
    }
    if (found !== undefined) return found;
    try {
      // Creating twice is harmless: the second answer is RESOURCE_ALREADY_EXISTS, handled below.
      const r = await this.http.call({ method: 'POST', path: `${API}/experiments/create`, json: { name }, idempotent: true });
      return { experiment_id: String((r as { experiment_id: string }).experiment_id), name };
    } catch (error) {
      if (!(error instanceof MlflowRequestError) || error.errorCode !== 'RESOURCE_ALREADY_EXISTS') throw error;
      const again = await this.getExperimentByName(name);
      if (again !== undefined) return again;
      throw new ReleqError('tracking', `MLflow experiment '${name}' exists but is deleted`,
        { hint: 'restore it (mlflow experiments restore) or choose another experiment name', cause: error });
    }
  }

  async searchExperiments(filter?: string): Promise<RestExperiment[]> {
    const r = await this.http.call({ method: 'POST', path: `${API}/experiments/search`, json: { max_results: 1000, ...(filter ? { filter } : {}) }, idempotent: true });
    return (r as { experiments?: RestExperiment[] }).experiments ?? [];
  }

  /** Not idempotent: a retry after an uncertain failure could make a second run (see createRunOnce in batch.ts). */
  async createRun(body: { experiment_id: string; run_name: string; user_id: string; start_time: number; tags: KeyValue[] }): Promise<RestRun> {
    const r = await this.http.call({ method: 'POST', path: `${API}/runs/create`, json: body, idempotent: false });
    return runFromJson((r as { run: unknown }).run);
  }

  async updateRun(runId: string, status: RunStatus, endTime?: number): Promise<void> {
    await this.http.call({
      method: 'POST', path: `${API}/runs/update`, idempotent: true,
      json: { run_id: runId, run_uuid: runId, status, ...(endTime !== undefined ? { end_time: endTime } : {}) },
    });
  }

  async getRun(runId: string): Promise<RestRun> {
    const r = await this.http.call({ method: 'GET', path: `${API}/runs/get`, query: { run_id: runId }, idempotent: true });
    return runFromJson((r as { run: unknown }).run);
  }

  /** All pages of a runs/search. */
  async searchRuns(experimentIds: readonly string[], filter = '', orderBy: readonly string[] = []): Promise<RestRun[]> {
    const out: RestRun[] = [];
    let pageToken: string | undefined;
    do {
      const r = await this.http.call({
        method: 'POST', path: `${API}/runs/search`, idempotent: true,
        json: { experiment_ids: experimentIds, filter, max_results: 1000, order_by: orderBy, ...(pageToken ? { page_token: pageToken } : {}) },
      }) as { runs?: unknown[]; next_page_token?: string };
      out.push(...(r.runs ?? []).map(runFromJson));
      pageToken = r.next_page_token || undefined;
    } while (pageToken !== undefined);
    return out;
  }

  /** One log-batch request; the caller chunks and decides about retries (metrics are append-only). */
  async logBatch(runId: string, batch: LogBatchBody): Promise<void> {
    await this.http.call({
      method: 'POST', path: `${API}/runs/log-batch`, idempotent: batch.metrics.length === 0,
      json: { run_id: runId, metrics: batch.metrics, params: batch.params, tags: batch.tags },
    });
  }

  async getMetricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    const r = await this.http.call({ method: 'GET', path: `${API}/metrics/get-history`, query: { run_id: runId, metric_key: key }, idempotent: true });
    return ((r as { metrics?: Record<string, unknown>[] }).metrics ?? []).map(metricFromJson);
  }

  /** Files under a run's artifact folder (paths relative to the artifact root). */
  async listArtifacts(runId: string, path = ''): Promise<{ path: string; is_dir: boolean; file_size?: number }[]> {
    const r = await this.http.call({ method: 'GET', path: `${API}/artifacts/list`, query: { run_id: runId, ...(path ? { path } : {}) }, idempotent: true });
    return (r as { files?: { path: string; is_dir: boolean; file_size?: number }[] }).files ?? [];
  }
}
