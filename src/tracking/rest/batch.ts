/**
 * Logging over REST without losing or doubling anything: log-batch chunked to the server's
 * limits, a "reconcile, then resend what is missing" path for a log-batch whose outcome is
 * unknown (metrics are append-only, so a blind resend would duplicate points), run creation that
 * finds its own run after an unknown outcome, and artifact upload through mlflow-artifacts.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { ReleqError } from '../../errors.js';
import type { MetricPoint } from '../../registry/contracts/tracker.js';
import { pythonFloatRepr } from '../python-float.js';
import {
  MAX_BATCH_REQUEST_BYTES, MAX_ENTITIES_PER_BATCH, MAX_METRICS_PER_BATCH, MAX_PARAMS_TAGS_PER_BATCH,
} from '../validation.js';
import type { KeyValue, LogBatchBody, MlflowRestApi, RestRun } from './api.js';
import { mlflowJson, MlflowRequestError } from './http-client.js';

export interface BatchLimits {
  readonly metrics: number;
  readonly paramsTags: number;
  readonly entities: number;
  readonly bytes: number;
}
export const SERVER_LIMITS: BatchLimits = {
  metrics: MAX_METRICS_PER_BATCH, paramsTags: MAX_PARAMS_TAGS_PER_BATCH, entities: MAX_ENTITIES_PER_BATCH, bytes: MAX_BATCH_REQUEST_BYTES,
};

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function batchBytes(runId: string, b: LogBatchBody): number {
  return Buffer.byteLength(mlflowJson({ run_id: runId, metrics: b.metrics, params: b.params, tags: b.tags }));
}

/**
 * As MlflowClient.log_batch: params and tags in chunks of 100 zipped together, each request
 * topped up with metrics to 1000 entities, the remaining metrics in chunks of 1000; then any
 * request over the byte limit is halved until it fits.
 */
export function chunkBatch(runId: string, batch: LogBatchBody, limits: BatchLimits = SERVER_LIMITS): LogBatchBody[] {
  const paramChunks = chunks(batch.params, limits.paramsTags);
  const tagChunks = chunks(batch.tags, limits.paramsTags);
  const metrics = [...batch.metrics];
  const out: LogBatchBody[] = [];
  for (let i = 0; i < Math.max(paramChunks.length, tagChunks.length); i++) {
    const params = paramChunks[i] ?? [];
    const tags = tagChunks[i] ?? [];
    const room = Math.min(limits.entities - params.length - tags.length, limits.metrics);
    out.push({ params, tags, metrics: metrics.splice(0, Math.max(0, room)) });
  }
  for (const m of chunks(metrics, Math.min(limits.metrics, limits.entities))) out.push({ params: [], tags: [], metrics: m });
  return out.flatMap((b) => fitBytes(runId, b, limits.bytes));
}

function fitBytes(runId: string, b: LogBatchBody, limit: number): LogBatchBody[] {
  const n = b.metrics.length + b.params.length + b.tags.length;
  if (batchBytes(runId, b) <= limit || n <= 1) return [b];
  const half = <T>(xs: readonly T[]): [T[], T[]] => [xs.slice(0, Math.ceil(xs.length / 2)), xs.slice(Math.ceil(xs.length / 2))];
  const [m1, m2] = half(b.metrics); const [p1, p2] = half(b.params); const [t1, t2] = half(b.tags);
  return [...fitBytes(runId, { metrics: m1, params: p1, tags: t1 }, limit), ...fitBytes(runId, { metrics: m2, params: p2, tags: t2 }, limit)];
}

const pointId = (m: MetricPoint): string => `${m.key}\u0000${m.timestamp}\u0000${m.step}\u0000${pythonFloatRepr(m.value)}`;

/** The points of `points` the server does not hold yet (a multiset difference, per key). */
export async function missingPoints(api: MlflowRestApi, runId: string, points: readonly MetricPoint[]): Promise<MetricPoint[]> {
  const onServer = new Map<string, number>();
  for (const key of new Set(points.map((p) => p.key))) {
    for (const m of await api.getMetricHistory(runId, key)) onServer.set(pointId(m), (onServer.get(pointId(m)) ?? 0) + 1);
  }
  return points.filter((p) => {
    const left = onServer.get(pointId(p)) ?? 0;
    if (left === 0) return true;
    onServer.set(pointId(p), left - 1);
    return false;
  });
}

/**
 * Sends one chunk. If the outcome is unknown (timeout, reset, 502/504) and it carries metrics,
 * asks the server which points it holds and resends only the others (params and tags are safe
 * to resend). `reconcileFirst` starts with that check (a spool entry that may have been sent).
 */
export async function logChunkOnce(api: MlflowRestApi, runId: string, chunk: LogBatchBody, reconcileFirst = false): Promise<void> {
  let pending = chunk;
  let check = reconcileFirst && chunk.metrics.length > 0;
  for (let attempt = 0; attempt < 4; attempt++) {
    if (check) pending = { ...pending, metrics: await missingPoints(api, runId, pending.metrics) };
    if (pending.metrics.length + pending.params.length + pending.tags.length === 0) return;
    try {
      await api.logBatch(runId, pending);
      return;
    } catch (error) {
      if (!(error instanceof MlflowRequestError) || error.failure !== 'uncertain' || pending.metrics.length === 0) throw error;
      check = true;
    }
  }
  throw new MlflowRequestError(`log-batch for run ${runId} kept failing with unknown outcome`, 'uncertain', undefined, undefined);
}

export const CLIENT_RUN_KEY_TAG = 'releq.clientRunKey';

/** Creates a run once: after an unknown outcome it looks for its own key tag before trying again. */
export async function createRunOnce(
  api: MlflowRestApi,
  body: { experiment_id: string; run_name: string; user_id: string; start_time: number; tags: KeyValue[] },
  clientKey: string,
): Promise<RestRun> {
  const request = { ...body, tags: [...body.tags.filter((t) => t.key !== CLIENT_RUN_KEY_TAG), { key: CLIENT_RUN_KEY_TAG, value: clientKey }] };
  for (let attempt = 0; ; attempt++) {
    try {
      return await api.createRun(request);
    } catch (error) {
      if (!(error instanceof MlflowRequestError) || error.failure !== 'uncertain' || attempt >= 3) throw error;
      const found = await api.searchRuns([body.experiment_id], `tags.${CLIENT_RUN_KEY_TAG} = '${clientKey}'`);
      if (found[0] !== undefined) return found[0];
    }
  }
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.json': 'application/json', '.txt': 'text/plain', '.log': 'text/plain', '.yaml': 'application/x-yaml',
  '.yml': 'application/x-yaml', '.csv': 'text/csv', '.html': 'text/html', '.png': 'image/png', '.svg': 'image/svg+xml',
};

/** `mlflow-artifacts:/<p>` → the proxy path on the tracking server (MlflowArtifactsRepository.resolve_uri). */
export function artifactProxyPath(artifactUri: string, relPath: string): string {
  const m = /^mlflow-artifacts:(\/\/[^/]*)?(\/.*)$/.exec(artifactUri);
  if (m === null || (m[1] !== undefined && m[1] !== '//')) {
    throw new ReleqError('tracking', `run artifacts live at ${artifactUri}; releq uploads only through the mlflow-artifacts proxy of the tracking server`,
      { hint: 'start the server with --serve-artifacts (the default) and log to a new experiment' });
  }
  const path = `${m[2] as string}/${relPath}`.split('/').filter((s) => s !== '').map(encodeURIComponent).join('/');
  return `/api/2.0/mlflow-artifacts/artifacts/${path}`;
}

/** Streams a file (or a folder's files) to the run's artifacts under `artifactDir`. */
export async function uploadArtifact(api: MlflowRestApi, artifactUri: string, localPath: string, artifactDir: string): Promise<void> {
  const info = await stat(localPath);
  const target = artifactDir === '' ? basename(localPath) : `${artifactDir}/${basename(localPath)}`;
  if (info.isDirectory()) {
    for (const entry of await readdir(localPath)) await uploadArtifact(api, artifactUri, join(localPath, entry), target);
    return;
  }
  await api.http.call({
    method: 'PUT', path: artifactProxyPath(artifactUri, target), idempotent: true,
    body: () => createReadStream(localPath), contentType: CONTENT_TYPES[extname(localPath).toLowerCase()] ?? 'application/octet-stream',
  });
}
