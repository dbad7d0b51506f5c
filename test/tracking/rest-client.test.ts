import { expect } from 'chai';
import type { MetricPoint } from '../../src/registry/contracts/tracker.js';
import { MlflowRestApi } from '../../src/tracking/rest/api.js';
import { resolveAuth } from '../../src/tracking/rest/auth.js';
import { batchBytes, chunkBatch, CLIENT_RUN_KEY_TAG, createRunOnce, logChunkOnce } from '../../src/tracking/rest/batch.js';
import { MlflowHttpClient, MlflowRequestError, type HttpClientOptions } from '../../src/tracking/rest/http-client.js';
import { FakeMlflowServer } from './fake-mlflow-server.js';

const API = '/api/2.0/mlflow';
const sleeps: number[] = [];
/** Fast retries: backoff recorded instead of slept. */
function client(url: string, extra: Partial<HttpClientOptions> = {}): MlflowHttpClient {
  return new MlflowHttpClient({
    url, maxRetries: 2, backoffFactor: 2, backoffJitter: 1, timeoutSeconds: 5, env: {}, random: () => 0.5,
    sleep: async (ms) => { sleeps.push(ms); }, ...extra,
  });
}
const failure = async (p: Promise<unknown>): Promise<MlflowRequestError> => {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).to.be.instanceOf(MlflowRequestError);
  return e as MlflowRequestError;
};

describe('tracking: REST client (local HTTP server)', () => {
  let server: FakeMlflowServer;
  let http: MlflowHttpClient;
  let api: MlflowRestApi;
  beforeEach(async () => {
    sleeps.length = 0;
    server = new FakeMlflowServer();
    await server.start();
    http = client(server.url);
    api = new MlflowRestApi(http);
  });
  afterEach(async () => { await http.close(); await server.stop(); });

  it('reports a refused connection as not-sent after the retries, with a hint', async () => {
    const port = server.port;
    await server.stop();
    const c = client(`http://127.0.0.1:${port}`);
    const e = await failure(new MlflowRestApi(c).getExperimentByName('x'));
    await c.close();
    expect(e.failure).to.equal('not-sent');
    expect(e.message).to.match(/^GET http:\/\/127\.0\.0\.1:\d+\/api\/2\.0\/mlflow\/experiments\/get-by-name failed: ECONNREFUSED/);
    expect(e.hint).to.contain('reachable');
    expect(sleeps).to.deep.equal([500, 4500]); // retry 1 at once (+jitter), retry 2 after factor*2^1 s
  });

  it('retries 503 then succeeds, honouring Retry-After', async () => {
    server.experiments.set('exp', '7');
    server.inject(`${API}/experiments/get-by-name`, { status: 503, body: 'busy', contentType: 'text/plain', headers: { 'retry-after': '3' } });
    expect((await api.getExperimentByName('exp'))?.experiment_id).to.equal('7');
    expect(server.count(`${API}/experiments/get-by-name`)).to.equal(2);
    expect(sleeps).to.deep.equal([3000]);
  });

  it('times out a slow answer; an idempotent GET is retried, then reported as uncertain', async () => {
    const slow = client(server.url, { timeoutSeconds: 0.2, maxRetries: 1 });
    server.experiments.set('exp', '7');
    // undici checks timeouts about once a second, so the server is slower than that
    server.inject(`${API}/experiments/get-by-name`, { delayMs: 1800 }, { delayMs: 1800 });
    const e = await failure(new MlflowRestApi(slow).getExperimentByName('exp'));
    await slow.close();
    expect(e.failure).to.equal('uncertain');
    expect(e.message).to.contain('UND_ERR_HEADERS_TIMEOUT');
    expect(server.count(`${API}/experiments/get-by-name`)).to.equal(2);
  });

  it('reports non-JSON error bodies clearly and does not retry them blindly', async () => {
    server.inject(`${API}/runs/get`, { status: 502, body: '<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>', contentType: 'text/html' },
      { status: 502, body: '<html>502</html>', contentType: 'text/html' }, { status: 502, body: '<html>502</html>', contentType: 'text/html' });
    const e = await failure(api.getRun('abc'));
    expect(e.message).to.match(/runs\/get: HTTP 502 \(text\/html\): 502/);
    server.inject(`${API}/runs/get`, { status: 401, body: 'You are not authenticated.', contentType: 'text/html' });
    const auth = await failure(api.getRun('abc'));
    expect(auth.message).to.match(/HTTP 401 \(text\/html\): You are not authenticated\.$/);
    expect(auth.hint).to.contain('MLFLOW_TRACKING_USERNAME');
    expect(auth.failure).to.equal('final');
    server.inject(`${API}/runs/get`, { status: 200, body: 'OK', contentType: 'text/plain' });
    expect((await failure(api.getRun('abc'))).message).to.contain('HTTP 200 but the body is not a JSON object: OK');
    const notFound = await failure(api.getRun('nope'));
    expect(notFound.errorCode).to.equal('RESOURCE_DOES_NOT_EXIST');
    expect(server.count(`${API}/runs/get`)).to.equal(3 + 1 + 1 + 1);
  });

  it('creates experiments race-safely: RESOURCE_ALREADY_EXISTS means get', async () => {
    server.inject(`${API}/experiments/create`, { status: 400, body: JSON.stringify({ error_code: 'RESOURCE_ALREADY_EXISTS', message: 'exists' }) });
    server.inject(`${API}/experiments/get-by-name`, { status: 404, body: JSON.stringify({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no' }) });
    server.experiments.set('shared', '42'); // the other client won the race
    expect((await api.getOrCreateExperiment('shared')).experiment_id).to.equal('42');
  });

  it('refuses to log into a deleted experiment (SQL servers return those by name)', async () => {
    server.inject(`${API}/experiments/get-by-name`, { status: 200, body: JSON.stringify({ experiment: { experiment_id: '5', name: 'old', lifecycle_stage: 'deleted' } }) });
    const e = await api.getOrCreateExperiment('old').then(() => new Error('no error'), (x: unknown) => x as Error);
    expect(e.message).to.equal("MLflow experiment 'old' (id 5) is deleted");
    expect(server.count(`${API}/experiments/create`)).to.equal(0);
  });

  it('chunks log-batch to the server limits (1000 metrics, 100 params, 100 tags, 1000 items, 1 MB)', async () => {
    const metrics: MetricPoint[] = Array.from({ length: 2500 }, (_, i) => ({ key: 'm', value: i, step: i, timestamp: i }));
    const params = Array.from({ length: 250 }, (_, i) => ({ key: `p${i}`, value: 'v'.repeat(6000) }));
    const tags = Array.from({ length: 130 }, (_, i) => ({ key: `t${i}`, value: 'w'.repeat(5000) }));
    const chunks = chunkBatch('run1', { metrics, params, tags });
    for (const c of chunks) {
      expect(c.metrics.length).to.be.at.most(1000);
      expect(c.params.length).to.be.at.most(100);
      expect(c.tags.length).to.be.at.most(100);
      expect(c.metrics.length + c.params.length + c.tags.length).to.be.at.most(1000);
      expect(batchBytes('run1', c)).to.be.at.most(1_000_000);
    }
    expect(chunks.flatMap((c) => c.metrics)).to.deep.equal(metrics);
    expect(chunks.flatMap((c) => c.params)).to.deep.equal(params);
    expect(chunks.flatMap((c) => c.tags)).to.deep.equal(tags);
    const exp = await api.getOrCreateExperiment('e');
    const run = await createRunOnce(api, { experiment_id: exp.experiment_id, run_name: 'r', user_id: 'u', start_time: 1, tags: [] }, 'k1');
    for (const c of chunks) await logChunkOnce(api, run.info.run_id, c);
    expect(server.runs.get(run.info.run_id)!.metrics).to.have.length(2500);
    expect(server.runs.get(run.info.run_id)!.params.size).to.equal(250);
  });

  it('sends NaN and infinities as MLflow strings and reads them back', async () => {
    const exp = await api.getOrCreateExperiment('e');
    const run = await createRunOnce(api, { experiment_id: exp.experiment_id, run_name: 'r', user_id: 'u', start_time: 1, tags: [] }, 'k');
    const points = [NaN, Infinity, -Infinity, 0.5].map((value, step) => ({ key: 'x', value, step, timestamp: 10 + step }));
    await logChunkOnce(api, run.info.run_id, { metrics: points, params: [], tags: [] });
    expect(server.requests.at(-1)!.body).to.contain('"value":"NaN"').and.contain('"value":"-Infinity"');
    expect((await api.getMetricHistory(run.info.run_id, 'x')).map((m) => m.value)).to.deep.equal([NaN, Infinity, -Infinity, 0.5]);
  });

  it('never resends a log-batch blindly: after a dropped answer it checks the history and sends only what is missing', async () => {
    const exp = await api.getOrCreateExperiment('e');
    const run = await createRunOnce(api, { experiment_id: exp.experiment_id, run_name: 'r', user_id: 'u', start_time: 1, tags: [] }, 'k');
    server.inject(`${API}/runs/log-batch`, { applyThenDrop: true });
    const points = Array.from({ length: 5 }, (_, i) => ({ key: i % 2 ? 'a' : 'b', value: i, step: i, timestamp: 100 + i }));
    await logChunkOnce(api, run.info.run_id, { metrics: points, params: [{ key: 'p', value: '1' }], tags: [] });
    expect(server.runs.get(run.info.run_id)!.metrics).to.have.length(5);
    expect(server.count(`${API}/metrics/get-history`)).to.equal(2);
    // A bare 500 (a crashed worker) after the server applied half the work: same check, no doubles.
    server.inject(`${API}/runs/log-batch`, { status: 500, body: '<h1>Internal Server Error</h1>', contentType: 'text/html', afterApply: true });
    await logChunkOnce(api, run.info.run_id, { metrics: points.map((p) => ({ ...p, step: p.step + 10 })), params: [], tags: [] });
    expect(server.runs.get(run.info.run_id)!.metrics).to.have.length(10);
    // An MLflow error answer is final: a changed param is reported, not retried.
    const e = await failure(logChunkOnce(api, run.info.run_id, { metrics: [], params: [{ key: 'p', value: '2' }], tags: [] }));
    expect(e.message).to.match(/HTTP 500 INTERNAL_ERROR: Changing param values is not allowed/);
    expect(e.failure).to.equal('final');
  });

  it('finds its own run after an unknown create outcome instead of making a second one', async () => {
    const exp = await api.getOrCreateExperiment('e');
    server.inject(`${API}/runs/create`, { applyThenDrop: true });
    const run = await createRunOnce(api, { experiment_id: exp.experiment_id, run_name: 'r', user_id: 'u', start_time: 1, tags: [] }, 'key-1');
    expect(server.runs.size).to.equal(1);
    expect(server.runs.get(run.info.run_id)!.tags.get(CLIENT_RUN_KEY_TAG)).to.equal('key-1');
  });

  it('reads auth as MLflow does (Basic over token; URL user info) and keeps secrets out of messages', async () => {
    expect(resolveAuth('http://h:1', { MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p', MLFLOW_TRACKING_TOKEN: 't', HOME: '/nonexistent' }).headers)
      .to.deep.equal({ authorization: `Basic ${Buffer.from('u:p').toString('base64')}` });
    expect(resolveAuth('http://h:1', { MLFLOW_TRACKING_TOKEN: 'tok', HOME: '/nonexistent' }).headers).to.deep.equal({ authorization: 'Bearer tok' });
    const withUrl = resolveAuth(`http://alice:s3cret@127.0.0.1:${server.port}/`, { HOME: '/nonexistent' });
    expect(withUrl.url).to.equal(`http://127.0.0.1:${server.port}`);
    const c = client(`http://alice:s3cret@127.0.0.1:${server.port}`, { env: { MLFLOW_TRACKING_TOKEN: 'tok-123', HOME: '/nonexistent' } });
    server.inject(`${API}/runs/get`, { status: 403, body: 'Permission denied', contentType: 'text/plain' });
    const e = await failure(new MlflowRestApi(c).getRun('r'));
    await c.close();
    expect(server.requests.at(-1)!.headers.authorization).to.equal('Bearer tok-123');
    expect(`${e.message} ${e.hint ?? ''}`).to.not.contain('tok-123').and.not.contain('s3cret');
    expect(() => client(server.url, { env: { MLFLOW_TRACKING_INSECURE_TLS: 'true', MLFLOW_TRACKING_SERVER_CERT_PATH: '/x.pem' } }))
      .to.throw('MLFLOW_TRACKING_INSECURE_TLS and a CA bundle');
  });
});
