/**
 * HTTP for MLflow's REST API on undici: auth and TLS read as MLflow's Python client reads them,
 * timeouts, and retries with exponential backoff + jitter. A retry is only automatic when the
 * request cannot have been applied (connection refused, 408/429/503) or the call is idempotent;
 * otherwise the caller gets an `uncertain` error and must check before sending again.
 */
import { readFileSync } from 'node:fs';
import { Agent, request, type Dispatcher } from 'undici';
import { ReleqError } from '../../errors.js';
import { resolveAuth, type MlflowAuth } from './auth.js';

/** not-sent: the server never applied it. uncertain: it may have. final: the server said no. */
export type FailureKind = 'not-sent' | 'uncertain' | 'final';

export class MlflowRequestError extends ReleqError {
  /** From a Retry-After header (429/503). */
  retryAfterMs: number | undefined;
  constructor(
    message: string,
    readonly failure: FailureKind,
    readonly status: number | undefined,
    readonly errorCode: string | undefined,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super('tracking', message, options);
    this.name = 'MlflowRequestError';
  }
  /** The server could not be reached (after retries): what the spool is for. */
  get unreachable(): boolean { return this.failure !== 'final'; }
}

export interface HttpClientOptions {
  /** Tracking server base URL (path prefix kept), e.g. http://127.0.0.1:5000 */
  readonly url: string;
  /** Retries after the first attempt (MLFLOW_HTTP_REQUEST_MAX_RETRIES, default 5). */
  readonly maxRetries?: number;
  /** Seconds; retry n waits factor * 2^(n-1) (MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR, default 2). */
  readonly backoffFactor?: number;
  /** Seconds of random extra wait per retry (MLFLOW_HTTP_REQUEST_BACKOFF_JITTER, default 1). */
  readonly backoffJitter?: number;
  /** Per-request timeout in seconds (MLFLOW_HTTP_REQUEST_TIMEOUT, default 120). */
  readonly timeoutSeconds?: number;
  /** CA bundle file (else MLFLOW_TRACKING_SERVER_CERT_PATH). */
  readonly caBundle?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Random numbers for jitter (tests pass a fixed one). */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface RequestSpec {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** Path below the base URL, e.g. /api/2.0/mlflow/runs/get */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  /** JSON body (NaN/±Infinity sent as MLflow's strings). */
  readonly json?: unknown;
  /** A fresh body per attempt, for streamed uploads. */
  readonly body?: () => Dispatcher.DispatchOptions['body'];
  readonly contentType?: string;
  /** Safe to send twice: uncertain failures are retried too. */
  readonly idempotent: boolean;
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
const NOT_SENT_STATUS = new Set([408, 429, 503]);
const UNCERTAIN_STATUS = new Set([502, 504]);

function envNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new ReleqError('config', `${name}=${raw} is not a non-negative number`);
  return n;
}

/** NaN and infinities travel as strings; JSON.stringify would send null, which MLflow rejects. */
export function mlflowJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v !== 'number' || Number.isFinite(v)) return v;
    return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  });
}

/** The URL without user:password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^(\w+:\/\/)[^/@]*@/, '$1');
}

function errorCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export class MlflowHttpClient {
  readonly baseUrl: string;
  private readonly auth: MlflowAuth;
  private readonly agent: Agent;
  private readonly maxRetries: number;
  private readonly backoffFactor: number;
  private readonly backoffJitter: number;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: HttpClientOptions) {
    const env = options.env ?? process.env;
    this.auth = resolveAuth(options.url, env);
    this.baseUrl = this.auth.url.replace(/\/+$/, '');
    this.maxRetries = options.maxRetries ?? envNumber(env, 'MLFLOW_HTTP_REQUEST_MAX_RETRIES', 5);
    this.backoffFactor = options.backoffFactor ?? envNumber(env, 'MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR', 2);
    this.backoffJitter = options.backoffJitter ?? envNumber(env, 'MLFLOW_HTTP_REQUEST_BACKOFF_JITTER', 1);
    const timeoutMs = 1000 * (options.timeoutSeconds ?? envNumber(env, 'MLFLOW_HTTP_REQUEST_TIMEOUT', 120));
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    const insecure = /^(true|1)$/i.test(env['MLFLOW_TRACKING_INSECURE_TLS'] ?? '');
    const caPath = options.caBundle ?? env['MLFLOW_TRACKING_SERVER_CERT_PATH'];
    if (insecure && caPath) {
      throw new ReleqError('config', 'MLFLOW_TRACKING_INSECURE_TLS and a CA bundle (MLFLOW_TRACKING_SERVER_CERT_PATH / caBundle) are both set',
        { hint: 'set only one of them, as MLflow requires' });
    }
    const clientCert = env['MLFLOW_TRACKING_CLIENT_CERT_PATH'];
    const pem = clientCert ? readFileSync(clientCert, 'utf8') : undefined;
    this.agent = new Agent({
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connect: {
        timeout: Math.min(timeoutMs, 30_000),
        ...(insecure ? { rejectUnauthorized: false } : {}),
        ...(caPath ? { ca: readFileSync(caPath, 'utf8') } : {}),
        ...(pem ? { cert: pem, key: pem } : {}),
      },
    });
  }

  /** Sends with retries; resolves with the parsed JSON body of a 200 answer. */
  async call(spec: RequestSpec): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(spec);
      } catch (error) {
        if (!(error instanceof MlflowRequestError)) throw error;
        const retryable = error.failure === 'not-sent' || (error.failure === 'uncertain' && spec.idempotent);
        if (!retryable || attempt >= this.maxRetries) throw error;
        await this.sleep(this.backoffMs(attempt + 1, error.retryAfterMs));
      }
    }
  }

  /** urllib3's schedule as MLflow configures it: 0, then factor*2^(n-1) s, plus jitter, at most 120 s. */
  backoffMs(retry: number, retryAfterMs?: number): number {
    const base = retry <= 1 ? 0 : Math.min(120, this.backoffFactor * 2 ** (retry - 1));
    const wait = 1000 * (base + this.random() * this.backoffJitter);
    return retryAfterMs !== undefined ? Math.max(wait, retryAfterMs) : wait;
  }

  private async once(spec: RequestSpec): Promise<unknown> {
    const qs = spec.query ? `?${new URLSearchParams(spec.query as Record<string, string>).toString()}` : '';
    const url = `${this.baseUrl}${spec.path}${qs}`;
    const where = `${spec.method} ${redactUrl(this.baseUrl)}${spec.path}`;
    const headers: Record<string, string> = { 'user-agent': 'releq-mlflow-client', ...this.auth.headers };
    let body: Dispatcher.DispatchOptions['body'];
    if (spec.json !== undefined) { body = mlflowJson(spec.json); headers['content-type'] = 'application/json'; }
    else if (spec.body) { body = spec.body(); if (spec.contentType) headers['content-type'] = spec.contentType; }
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, { method: spec.method, headers, body, dispatcher: this.agent });
    } catch (error) {
      const code = errorCode(error) ?? 'unknown';
      const failure: FailureKind = NOT_SENT_CODES.has(code) ? 'not-sent' : 'uncertain';
      throw new MlflowRequestError(`${where} failed: ${code} (${(error as Error).message})`, failure, undefined, undefined,
        { cause: error, hint: 'is the MLflow server running and reachable from here?' });
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw new MlflowRequestError(`${where}: reading the answer failed: ${errorCode(error) ?? (error as Error).message}`,
        'uncertain', response.statusCode, undefined, { cause: error });
    }
    return this.interpret(where, response, text);
  }

  private interpret(where: string, response: Dispatcher.ResponseData, text: string): unknown {
    const status = response.statusCode;
    let parsed: unknown;
    try { parsed = text === '' ? {} : JSON.parse(text); } catch { parsed = undefined; }
    const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
    if (status >= 200 && status < 300) {
      if (isObject) return parsed;
      throw new MlflowRequestError(`${where}: HTTP ${status} but the body is not a JSON object: ${snippet(text)}`, 'final', status, undefined,
        { hint: 'is the tracking URI pointing at an MLflow server (and not a proxy login page)?' });
    }
    const record = isObject ? parsed as Record<string, unknown> : undefined;
    const code = typeof record?.['error_code'] === 'string' ? record['error_code'] as string : undefined;
    // A 500 with an MLflow error body is the server's answer (e.g. a param conflict on a FileStore);
    // a bare 500 is a crashed worker or a proxy, and the request may or may not have been applied.
    const failure: FailureKind = NOT_SENT_STATUS.has(status) ? 'not-sent'
      : UNCERTAIN_STATUS.has(status) || (status === 500 && code === undefined) ? 'uncertain' : 'final';
    const message = code !== undefined
      ? `${where}: HTTP ${status} ${code}: ${String(record?.['message'] ?? '')}`
      : `${where}: HTTP ${status} ${contentType(response)}: ${snippet(text)}`;
    const hint = status === 401 ? 'set MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN'
      : status === 403 ? 'the credentials lack permission on this experiment' : undefined;
    const error = new MlflowRequestError(message, failure, status, code, hint ? { hint } : {});
    const retryAfter = Number(headerValue(response, 'retry-after'));
    if (Number.isFinite(retryAfter) && retryAfter >= 0) error.retryAfterMs = Math.min(retryAfter, 120) * 1000;
    throw error;
  }

  /** One quick GET /health, no retries: is the server there right now? */
  async ping(timeoutMs = 3000): Promise<boolean> {
    try {
      const r = await request(`${this.baseUrl}/health`, {
        method: 'GET', headers: { ...this.auth.headers }, dispatcher: this.agent, headersTimeout: timeoutMs, bodyTimeout: timeoutMs,
      });
      await r.body.text();
      return r.statusCode === 200;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> { await this.agent.close(); }
}

function headerValue(response: Dispatcher.ResponseData, name: string): string | undefined {
  const v = response.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function contentType(response: Dispatcher.ResponseData): string {
  return `(${(headerValue(response, 'content-type') ?? 'no content-type').split(';')[0]})`;
}

/** The start of a non-JSON body, tags stripped, on one line. */
function snippet(text: string): string {
  const flat = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return flat === '' ? '(empty body)' : flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
