/**
 * Replays spooled runs to their tracking server (`releq tracking sync`, and every REST tracker
 * at start). Entries already recorded as applied are skipped; an entry that was cut off mid-send
 * is checked against the server first, so nothing is lost and no metric point is doubled.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../services/logger.js';
import { MlflowRestApi, type RestRun } from './api.js';
import { chunkBatch, CLIENT_RUN_KEY_TAG, createRunOnce, logChunkOnce, uploadArtifact } from './batch.js';
import { MlflowHttpClient, MlflowRequestError, redactUrl, type HttpClientOptions } from './http-client.js';
import { SpoolFile, type SpoolEntry } from './spool.js';

/** Placeholder run id handed out while a run exists only in the spool. */
export const PENDING_PREFIX = 'pending-';

export interface SpoolReplay {
  readonly spool: string;
  readonly url: string;
  readonly runId: string | undefined;
  readonly applied: number;
  readonly remaining: number;
  /** Set when the replay stopped early. */
  readonly error?: string;
}

/** Replays one spool file; stops at the first failure (later entries keep their order). */
export async function replaySpool(api: MlflowRestApi, spool: SpoolFile): Promise<SpoolReplay> {
  const entries = spool.entries().sort((a, b) => a.seq - b.seq);
  const journal = spool.journal();
  const done = new Set(journal.filter((j) => j.state === 'done').map((j) => j.seq));
  const started = new Set(journal.filter((j) => j.state === 'started').map((j) => j.seq));
  const start = entries.find((e): e is Extract<SpoolEntry, { op: 'start' }> => e.op === 'start');
  let runId = start?.runId ?? journal.find((j) => j.runId !== undefined)?.runId;
  let artifactUri = start?.artifactUri ?? journal.find((j) => j.artifactUri !== undefined)?.artifactUri;
  let applied = 0;
  const base = { spool: spool.path, url: start?.url ?? '' };
  try {
    for (const e of entries) {
      if (done.has(e.seq)) continue;
      spool.record({ seq: e.seq, state: 'started' });
      if (e.op === 'start') {
        if (runId === undefined) {
          const experiment = await api.getOrCreateExperiment(e.experimentName);
          const tags = await Promise.all(e.tags.map(async (t) => (t.key === 'mlflow.parentRunId' && t.value.startsWith(PENDING_PREFIX)
            ? { key: t.key, value: await resolvePending(api, experiment.experiment_id, t.value) } : t)));
          // The run may exist already: created by an earlier replay, or by a resumed run with the same key.
          const run = (await findByClientKey(api, experiment.experiment_id, e.clientKey)) ?? await createRunOnce(api, {
            experiment_id: experiment.experiment_id, run_name: e.runName, user_id: e.userId, start_time: e.startTime, tags,
          }, e.clientKey);
          runId = run.info.run_id;
          artifactUri = run.info.artifact_uri;
        }
      } else if (runId === undefined) {
        throw new Error(`spool ${spool.path} has no run to replay entry ${e.seq} into`);
      } else if (e.op === 'batch') {
        const maybeSent = started.has(e.seq) || e.maybeSent === true;
        for (const chunk of chunkBatch(runId, e)) await logChunkOnce(api, runId, chunk, maybeSent);
      } else if (e.op === 'artifact') {
        artifactUri ??= (await api.getRun(runId)).info.artifact_uri;
        await uploadArtifact(api, artifactUri ?? '', join(spool.filesDir, e.file), e.artifactDir);
      } else {
        await api.updateRun(runId, e.status, e.endTime);
      }
      spool.record({ seq: e.seq, state: 'done', ...(runId ? { runId } : {}), ...(artifactUri ? { artifactUri } : {}) });
      applied++;
    }
  } catch (error) {
    const remaining = entries.filter((x) => !done.has(x.seq)).length - applied;
    return { ...base, runId, applied, remaining, error: (error as Error).message };
  }
  if (entries.at(-1)?.op === 'end') spool.remove();
  return { ...base, runId, applied, remaining: 0 };
}

/** The run created with this client key (releq.clientRunKey tag), if any. */
export async function findByClientKey(api: MlflowRestApi, experimentId: string, key: string): Promise<RestRun | undefined> {
  return (await api.searchRuns([experimentId], `tags.${CLIENT_RUN_KEY_TAG} = '${key}'`))[0];
}

async function resolvePending(api: MlflowRestApi, experimentId: string, pending: string): Promise<string> {
  return (await findByClientKey(api, experimentId, pending.slice(PENDING_PREFIX.length)))?.info.run_id ?? pending;
}

export interface SyncOptions {
  /** Folder holding the spool files. */
  readonly spoolDir: string;
  /** Send to this server instead of the one each spool recorded (spools keep the URL without user:password). */
  readonly uri?: string;
  /** Replay only spools recorded for this server URL. */
  readonly onlyUrl?: string;
  readonly logger?: Logger;
  /** Transport settings (retries, timeouts, env) for the clients sync creates. */
  readonly http?: Omit<HttpClientOptions, 'url'>;
}

export interface SyncReport {
  readonly replays: readonly SpoolReplay[];
  /** Spool files skipped because another process is replaying them. */
  readonly busy: number;
}

/** The function behind `releq tracking sync`: replays every spool file in `spoolDir`. */
export async function syncSpool(options: SyncOptions): Promise<SyncReport> {
  if (!existsSync(options.spoolDir)) return { replays: [], busy: 0 };
  const ids = readdirSync(options.spoolDir).filter((f) => f.endsWith('.jsonl') && !f.endsWith('.applied.jsonl')).map((f) => f.slice(0, -6)).sort();
  const clients = new Map<string, MlflowRestApi>();
  const replays: SpoolReplay[] = [];
  let busy = 0;
  try {
    for (const id of ids) {
      const spool = new SpoolFile(options.spoolDir, id);
      const start = spool.entries().find((e) => e.op === 'start');
      if (start === undefined || start.op !== 'start') continue;
      if (options.onlyUrl !== undefined && start.url !== redactUrl(options.onlyUrl)) continue;
      if (!spool.tryLock()) { busy++; continue; }
      try {
        const url = options.uri ?? start.url;
        let api = clients.get(url);
        if (api === undefined) { api = new MlflowRestApi(new MlflowHttpClient({ ...options.http, url })); clients.set(url, api); }
        const replay = await replaySpool(api, spool);
        replays.push(replay);
        options.logger?.info(`mlflow sync: ${spool.path} → ${redactUrl(url)}: ${replay.applied} applied, ${replay.remaining} left`
          + (replay.error ? ` (${replay.error})` : ''));
      } finally {
        spool.unlock();
      }
    }
  } finally {
    for (const api of clients.values()) await api.http.close();
  }
  return { replays, busy };
}

/** Where spooled REST calls wait by default; the mlflow plugin and `releq tracking sync` agree on it. */
export function defaultSpoolDir(cacheDir: string): string {
  return join(cacheDir, 'mlflow-spool');
}

/** One line per replayed spool, for the CLI. */
export function formatSyncReport(report: SyncReport): string[] {
  const lines = report.replays.map((r) => `${r.remaining === 0 ? 'synced ' : 'pending'} ${r.spool} → ${r.url}${r.runId ? ` run ${r.runId}` : ''}: `
    + `${r.applied} applied, ${r.remaining} left${r.error ? ` (${r.error})` : ''}`);
  if (report.busy > 0) lines.push(`${report.busy} spool file(s) skipped: another releq process is replaying them`);
  if (lines.length === 0) lines.push('nothing to sync');
  return lines;
}

export function isUnreachable(error: unknown): boolean {
  return error instanceof MlflowRequestError && error.unreachable;
}
