/**
 * A small in-memory stand-in for an MLflow tracking server (node:http), for the failure-path tests:
 * the endpoints the client uses, MLflow's log-batch limits, and injectable faults.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Fault {
  /** Answer with this status (and body) instead of handling the request. */
  readonly status?: number;
  readonly body?: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Handle the request, then wait this long before answering (a slow server). */
  readonly delayMs?: number;
  /** With `status`: handle the request first, then answer with the fault (applied, but reported as failed). */
  readonly afterApply?: boolean;
  /** Handle the request, then drop the connection without an answer (outcome unknown). */
  readonly applyThenDrop?: boolean;
}

interface Run {
  info: Record<string, unknown>;
  params: Map<string, string>;
  tags: Map<string, string>;
  metrics: Record<string, unknown>[];
}

export class FakeMlflowServer {
  readonly requests: { method: string; path: string; body: string; headers: IncomingMessage['headers'] }[] = [];
  readonly faults = new Map<string, Fault[]>();
  readonly experiments = new Map<string, string>();
  readonly runs = new Map<string, Run>();
  readonly artifacts = new Map<string, Buffer>();
  private server: Server | undefined;
  port = 0;
  private nextId = 1;

  get url(): string { return `http://127.0.0.1:${this.port}`; }

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => { void this.handle(req, res); });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Stops listening: new connections are refused until start(port) again. */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s === undefined) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  inject(path: string, ...faults: Fault[]): void { this.faults.set(path, [...(this.faults.get(path) ?? []), ...faults]); }
  count(path: string): number { return this.requests.filter((r) => r.path === path).length; }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push({ method: req.method ?? '', path: url.pathname, body: raw.toString('utf8'), headers: req.headers });
    const fault = this.faults.get(url.pathname)?.shift();
    if (fault?.status !== undefined && fault.afterApply === true) {
      try { this.route(req.method ?? 'GET', url, raw); } catch { /* the fault answer wins */ }
    }
    if (fault?.status !== undefined) {
      res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'application/json', ...fault.headers });
      res.end(fault.body ?? '');
      return;
    }
    let status = 200;
    let answer: unknown;
    try {
      answer = this.route(req.method ?? 'GET', url, raw);
    } catch (error) {
      const e = error as { status?: number; code?: string; message: string };
      status = e.status ?? 500;
      answer = { error_code: e.code ?? 'INTERNAL_ERROR', message: e.message };
    }
    if (fault?.applyThenDrop) { req.socket.destroy(); return; }
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
  }

  private route(method: string, url: URL, raw: Buffer): unknown {
    const p = url.pathname;
    const body = (): Record<string, unknown> => JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
    const fail = (status: number, code: string, message: string): never => { throw Object.assign(new Error(message), { status, code }); };
    if (p === '/health') return 'OK';
    if (p.startsWith('/api/2.0/mlflow-artifacts/artifacts/') && method === 'PUT') {
      this.artifacts.set(decodeURIComponent(p.slice('/api/2.0/mlflow-artifacts/artifacts/'.length)), raw);
      return {};
    }
    const api = p.replace('/api/2.0/mlflow/', '');
    if (api === 'experiments/get-by-name') {
      const name = url.searchParams.get('experiment_name') ?? '';
      const id = this.experiments.get(name);
      if (id === undefined) fail(404, 'RESOURCE_DOES_NOT_EXIST', `Could not find experiment with name '${name}'`);
      return { experiment: { experiment_id: id, name, artifact_location: `mlflow-artifacts:/${id}`, lifecycle_stage: 'active' } };
    }
    if (api === 'experiments/create') {
      const name = String(body()['name']);
      if (this.experiments.has(name)) fail(400, 'RESOURCE_ALREADY_EXISTS', `Experiment '${name}' already exists.`);
      const id = String(this.nextId++);
      this.experiments.set(name, id);
      return { experiment_id: id };
    }
    if (api === 'runs/create') {
      const b = body();
      const runId = `run${this.nextId++}`;
      const tags = new Map((b['tags'] as { key: string; value: string }[]).map((t) => [t.key, t.value]));
      tags.set('mlflow.runName', String(b['run_name']));
      this.runs.set(runId, {
        info: { run_id: runId, experiment_id: b['experiment_id'], run_name: b['run_name'], status: 'RUNNING', start_time: b['start_time'],
          artifact_uri: `mlflow-artifacts:/${String(b['experiment_id'])}/${runId}/artifacts` },
        params: new Map(), tags, metrics: [],
      });
      return { run: this.runJson(runId) };
    }
    if (api === 'runs/update') {
      const b = body();
      const run = this.runs.get(String(b['run_id'])) ?? fail(404, 'RESOURCE_DOES_NOT_EXIST', 'no run');
      run.info['status'] = b['status'];
      if (b['end_time'] !== undefined) run.info['end_time'] = b['end_time'];
      return { run_info: run.info };
    }
    if (api === 'runs/get') return { run: this.runJson(url.searchParams.get('run_id') ?? '') };
    if (api === 'runs/search') {
      const m = /^tags\.([\w.]+) = '(.*)'$/.exec(String(body()['filter'] ?? ''));
      const runs = [...this.runs.keys()].filter((id) => m === null || this.runs.get(id)!.tags.get(m[1]!) === m[2]);
      return { runs: runs.map((id) => this.runJson(id)) };
    }
    if (api === 'runs/log-batch') {
      const b = body() as { run_id: string; metrics?: Record<string, unknown>[]; params?: { key: string; value: string }[]; tags?: { key: string; value: string }[] };
      const [m, pa, t] = [b.metrics ?? [], b.params ?? [], b.tags ?? []];
      if (m.length > 1000) fail(400, 'INVALID_PARAMETER_VALUE', `A batch logging request can contain at most 1000 metrics. Got ${m.length} metrics.`);
      if (pa.length > 100) fail(400, 'INVALID_PARAMETER_VALUE', `A batch logging request can contain at most 100 params. Got ${pa.length} params.`);
      if (t.length > 100) fail(400, 'INVALID_PARAMETER_VALUE', `A batch logging request can contain at most 100 tags. Got ${t.length} tags.`);
      if (m.length + pa.length + t.length > 1000) fail(400, 'INVALID_PARAMETER_VALUE', 'at most 1000 metrics, params, and tags');
      if (raw.length > 1_000_000) fail(400, 'INVALID_PARAMETER_VALUE', 'request too large');
      const run = this.runs.get(b.run_id) ?? fail(404, 'RESOURCE_DOES_NOT_EXIST', 'no run');
      for (const x of m) if (x['value'] === null) fail(400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'value'");
      for (const x of pa) {
        const old = run.params.get(x.key);
        if (old !== undefined && old !== x.value) fail(500, 'INTERNAL_ERROR', 'Changing param values is not allowed.');
        run.params.set(x.key, x.value);
      }
      run.metrics.push(...m);
      for (const x of t) run.tags.set(x.key, x.value);
      return {};
    }
    if (api === 'metrics/get-history') {
      const run = this.runs.get(url.searchParams.get('run_id') ?? '') ?? fail(404, 'RESOURCE_DOES_NOT_EXIST', 'no run');
      return { metrics: run.metrics.filter((x) => x['key'] === url.searchParams.get('metric_key')) };
    }
    return fail(404, 'ENDPOINT_NOT_FOUND', `no endpoint ${p}`);
  }

  private runJson(runId: string): unknown {
    const run = this.runs.get(runId);
    if (run === undefined) throw Object.assign(new Error(`Run '${runId}' not found`), { status: 404, code: 'RESOURCE_DOES_NOT_EXIST' });
    const kv = (m: Map<string, string>): { key: string; value: string }[] => [...m].map(([key, value]) => ({ key, value }));
    return { info: run.info, data: { params: kv(run.params), tags: kv(run.tags), metrics: [] } };
  }
}
