/**
 * Against a real MLflow server, only when MLFLOW_TEST_URI is set (e.g. one started on loopback
 * by ../shared/tools/mlflow-server.sh). Writes through the REST tracker and reads every value back.
 */
import { expect } from 'chai';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import type { MetricPoint } from '../../src/registry/contracts/tracker.js';
import { MemoryLogger } from '../../src/services/logger.js';
import { RestTracker } from '../../src/tracking/rest/rest-tracker.js';
import { artifactProxyPath } from '../../src/tracking/rest/batch.js';
import { syncSpool } from '../../src/tracking/rest/sync.js';
import { resolveAuth } from '../../src/tracking/rest/auth.js';
import type { MlflowRequestError } from '../../src/tracking/rest/http-client.js';

const URI = process.env['MLFLOW_TEST_URI'];
/** The same credentials the client uses (MLFLOW_TRACKING_USERNAME/PASSWORD or TOKEN), for raw downloads. */
const authHeaders = (): Record<string, string> => ({ ...resolveAuth(URI as string).headers });

describe('tracking: REST against a real MLflow server (MLFLOW_TEST_URI)', function () {
  this.timeout(120_000);
  let dir: string;
  before(function () {
    if (URI === undefined || URI === '') {
      console.log('    (skipped: set MLFLOW_TEST_URI=http://127.0.0.1:PORT to run against a real MLflow server)');
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'releq-it-'));
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('creates experiments race-safely, logs nested runs and reads every value back', async () => {
    const url = URI as string;
    const version = await (await request(`${url}/version`, { headers: authHeaders() })).body.text();
    console.log(`    MLflow server version: ${version}`);
    const logger = new MemoryLogger();
    const tracker = new RestTracker({ url, spoolDir: join(dir, 'spool'), logger, http: { maxRetries: 1, backoffFactor: 0.1 } });
    const name = `releq-it-${randomUUID().slice(0, 8)}`;
    const a = await tracker.api.getOrCreateExperiment(name);
    // What the race handling relies on: a second create of the name answers RESOURCE_ALREADY_EXISTS.
    // (Truly simultaneous creates can still both succeed on a FileStore-backed server: it has no lock.)
    const again = await tracker.api.http.call({ method: 'POST', path: '/api/2.0/mlflow/experiments/create', json: { name }, idempotent: true })
      .then(() => undefined, (e: unknown) => e as MlflowRequestError);
    expect(again?.errorCode).to.equal('RESOURCE_ALREADY_EXISTS');
    expect((await tracker.api.getOrCreateExperiment(name)).experiment_id).to.equal(a.experiment_id);

    const parent = await tracker.startRun({ experimentName: name, runName: 'sweep', tags: { 'releq.kind': 'sweep' } });
    const child = await tracker.startRun({ experimentName: name, runName: 'trial 1', tags: {}, parentRunId: parent.runId });
    const params: Record<string, string> = {};
    for (let i = 0; i < 150; i++) params[`p.${i}`] = `value ${i}`;
    params['long'] = 'y'.repeat(5999);
    await child.logParams(params);
    const points: MetricPoint[] = [];
    for (let s = 0; s < 2500; s++) points.push({ key: s % 2 === 0 ? 'reward' : 'train/acc', value: s / 7, step: s, timestamp: 1700000000000 + s });
    points.push({ key: 'special', value: NaN, step: 0, timestamp: 1 }, { key: 'special', value: Infinity, step: 1, timestamp: 2 },
      { key: 'special', value: -Infinity, step: 2, timestamp: 3 }, { key: 'special', value: 1e-7, step: 3, timestamp: 4 });
    await child.logMetrics(points);
    const tags: Record<string, string> = {};
    for (let i = 0; i < 120; i++) tags[`t.${i}`] = `tag ${i}`;
    await child.setTags(tags);
    const big = randomBytes(3 * 1024 * 1024);
    writeFileSync(join(dir, 'weights.bin'), big);
    mkdirSync(join(dir, 'plots'), { recursive: true });
    writeFileSync(join(dir, 'plots', 'curve.svg'), '<svg/>');
    await child.logArtifact(join(dir, 'weights.bin'), 'checkpoints');
    await child.logArtifact(join(dir, 'plots'));
    await child.end('FINISHED');
    await parent.end('KILLED');

    const children = await tracker.api.searchRuns([a.experiment_id], `tags.mlflow.parentRunId = '${parent.runId}'`);
    expect(children.map((r) => r.info.run_id)).to.deep.equal([child.runId]);
    const run = await tracker.api.getRun(child.runId);
    expect(run.info.status).to.equal('FINISHED');
    expect(run.info.end_time).to.be.a('number');
    expect(run.info.run_name).to.equal('trial 1');
    expect(Object.fromEntries(run.data.params.map((p) => [p.key, p.value]))).to.deep.equal(params);
    const gotTags = Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]));
    for (const [k, v] of Object.entries(tags)) expect(gotTags[k]).to.equal(v);
    expect(gotTags['mlflow.parentRunId']).to.equal(parent.runId);
    expect(gotTags['mlflow.runName']).to.equal('trial 1');
    expect(gotTags['mlflow.source.type']).to.equal('LOCAL');
    expect(gotTags['mlflow.user']).to.be.a('string');
    for (const key of ['reward', 'train/acc', 'special']) {
      const history = (await tracker.api.getMetricHistory(child.runId, key)).sort((x, y) => x.step - y.step);
      const expected = points.filter((p) => p.key === key);
      expect(history.map((h) => [h.step, h.timestamp, h.value])).to.deep.equal(expected.map((p) => [p.step, p.timestamp, p.value]));
    }
    const parentRun = await tracker.api.getRun(parent.runId);
    expect(parentRun.info.status).to.equal('KILLED');

    const artifacts = await tracker.api.listArtifacts(child.runId);
    expect(artifacts.map((f) => f.path).sort()).to.deep.equal(['checkpoints', 'plots']);
    const artifactUri = run.info.artifact_uri as string;
    const download = await request(`${url}${artifactProxyPath(artifactUri, 'checkpoints/weights.bin')}`, { headers: authHeaders() });
    expect(Buffer.from(await download.body.arrayBuffer()).equals(big)).to.equal(true);
    const svg = await request(`${url}${artifactProxyPath(artifactUri, 'plots/curve.svg')}`, { headers: authHeaders() });
    expect(await svg.body.text()).to.equal('<svg/>');
    expect(logger.lines.filter((l) => l.startsWith('warning:'))).to.deep.equal([]);
    await tracker.close();
  });

  it('spools a run while no server answers and syncs it into the real server exactly once', async () => {
    const url = URI as string;
    const spoolDir = join(dir, 'offline-spool');
    const offline = new RestTracker({ url: 'http://127.0.0.1:9', spoolDir, logger: new MemoryLogger(), http: { maxRetries: 0 } });
    const name = `releq-it-offline-${randomUUID().slice(0, 8)}`;
    const run = await offline.startRun({ experimentName: name, runName: 'offline run', tags: { 'releq.seed': '3' } });
    const points: MetricPoint[] = Array.from({ length: 1500 }, (_, s) => ({ key: 'reward', value: s % 100 === 0 ? NaN : s / 3, step: s, timestamp: 1700000000000 + s }));
    await run.logParams({ 'agent.name': 'random' });
    await run.logMetrics(points);
    writeFileSync(join(dir, 'results.json'), '{"best":[2,3]}');
    await run.logArtifact(join(dir, 'results.json'));
    await run.end('FINISHED');
    await offline.close();
    const first = await syncSpool({ spoolDir, uri: url, http: { maxRetries: 1 } });
    expect(first.replays.map((r) => r.remaining)).to.deep.equal([0]);
    const second = await syncSpool({ spoolDir, uri: url, http: { maxRetries: 1 } });
    expect(second.replays).to.deep.equal([]);
    const reader = new RestTracker({ url, spoolDir: join(dir, 'unused'), http: { maxRetries: 1 } });
    const experiment = await reader.api.getExperimentByName(name);
    const runs = await reader.api.searchRuns([experiment!.experiment_id]);
    expect(runs).to.have.length(1);
    const got = runs[0]!;
    expect(got.info.status).to.equal('FINISHED');
    expect(got.data.params).to.deep.equal([{ key: 'agent.name', value: 'random' }]);
    expect(got.data.tags.find((t) => t.key === 'releq.seed')?.value).to.equal('3');
    const history = (await reader.api.getMetricHistory(got.info.run_id, 'reward')).sort((a, b) => a.step - b.step);
    expect(history.map((h) => [h.step, h.timestamp, h.value])).to.deep.equal(points.map((p) => [p.step, p.timestamp, p.value]));
    const file = await request(`${url}${artifactProxyPath(got.info.artifact_uri as string, 'results.json')}`, { headers: authHeaders() });
    expect(await file.body.text()).to.equal('{"best":[2,3]}');
    await reader.close();
  });
});
