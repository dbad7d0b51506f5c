import { expect } from 'chai';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricPoint } from '../../src/registry/contracts/tracker.js';
import { MemoryLogger } from '../../src/services/logger.js';
import { RestTracker } from '../../src/tracking/rest/rest-tracker.js';
import { SpoolFile } from '../../src/tracking/rest/spool.js';
import { formatSyncReport, syncSpool } from '../../src/tracking/rest/sync.js';
import { CLIENT_RUN_KEY_TAG } from '../../src/tracking/rest/batch.js';
import { FakeMlflowServer } from './fake-mlflow-server.js';

const FAST = { maxRetries: 1, backoffFactor: 0, backoffJitter: 0, timeoutSeconds: 5, env: {}, sleep: async (): Promise<void> => {} };
const points = (key: string, from: number, n: number): MetricPoint[] =>
  Array.from({ length: n }, (_, i) => ({ key, value: from + i === 3 ? NaN : (from + i) / 4, step: from + i, timestamp: 1000 + from + i }));
const steps = (ms: Record<string, unknown>[]): unknown[] => ms.map((m) => m['step']);

describe('tracking: spool while the server is unreachable, replay without duplicates', () => {
  let server: FakeMlflowServer;
  let dir: string;
  let spoolDir: string;
  beforeEach(async () => {
    server = new FakeMlflowServer();
    await server.start();
    dir = mkdtempSync(join(tmpdir(), 'releq-spool-'));
    spoolDir = join(dir, 'spool');
  });
  afterEach(async () => { await server.stop(); rmSync(dir, { recursive: true, force: true }); });

  it('keeps a run going when the server goes down mid-way, and fills the server at the end', async () => {
    const logger = new MemoryLogger();
    const tracker = new RestTracker({ url: server.url, spoolDir, logger, http: FAST, systemTags: { 'mlflow.user': 'u' } });
    const run = await tracker.startRun({ experimentName: 'e', runName: 'r', tags: {} });
    await run.logMetrics(points('reward', 0, 3));
    const port = server.port;
    await server.stop();
    await run.logMetrics(points('reward', 3, 4));
    await run.logParams({ lr: '0.1' });
    writeFileSync(join(dir, 'results.json'), '{"best":1}');
    await run.logArtifact(join(dir, 'results.json'), 'out');
    writeFileSync(join(dir, 'results.json'), 'changed later'); // the spool kept a copy
    expect(logger.lines.filter((l) => l.includes('server unreachable'))).to.have.length(1);
    await server.start(port);
    await run.end('FINISHED');
    const stored = server.runs.get(run.runId)!;
    expect(steps(stored.metrics)).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
    expect(stored.metrics[3]!['value']).to.equal('NaN');
    expect(stored.params.get('lr')).to.equal('0.1');
    expect(stored.info['status']).to.equal('FINISHED');
    expect(server.artifacts.get(`1/${run.runId}/artifacts/out/results.json`)?.toString()).to.equal('{"best":1}');
    expect(readdirSync(spoolDir)).to.deep.equal([]); // replayed and removed
    await tracker.close();
  });

  it('spools a run whose server is down from the start; sync creates it once and a second sync adds nothing', async () => {
    const port = server.port;
    await server.stop();
    const logger = new MemoryLogger();
    const url = `http://alice:s3cret@127.0.0.1:${port}`;
    const tracker = new RestTracker({ url, spoolDir, logger, http: FAST, systemTags: { 'mlflow.user': 'u' } });
    const run = await tracker.startRun({ experimentName: 'offline', runName: 'r', tags: { 'releq.seed': '1' } });
    expect(run.runId).to.match(/^pending-/);
    await run.logMetrics(points('acc', 0, 5));
    await run.end('KILLED');
    expect(logger.lines.some((l) => l.includes("releq tracking sync"))).to.equal(true);
    await tracker.close();
    const spoolText = readdirSync(spoolDir).map((f) => readFileSync(join(spoolDir, f), 'utf8')).join('');
    expect(spoolText).to.contain(`"url":"http://127.0.0.1:${port}"`).and.not.contain('s3cret');
    expect(logger.lines.join('\n')).to.not.contain('s3cret');
    await server.start(port);
    const report = await syncSpool({ spoolDir, http: FAST, uri: url });
    expect(server.requests.at(-1)!.headers.authorization).to.equal(`Basic ${Buffer.from('alice:s3cret').toString('base64')}`);
    expect(report.replays.map((r) => [r.applied, r.remaining])).to.deep.equal([[3, 0]]);
    expect(formatSyncReport(report)[0]).to.match(/^synced .*\.jsonl → http:\/\/127\.0\.0\.1:\d+ run run\d+: 3 applied, 0 left$/);
    const again = await syncSpool({ spoolDir, http: FAST });
    expect(again.replays).to.deep.equal([]);
    expect(server.runs.size).to.equal(1);
    const [stored] = [...server.runs.values()];
    expect(steps(stored!.metrics)).to.deep.equal([0, 1, 2, 3, 4]);
    expect(stored!.info['status']).to.equal('KILLED');
    expect(stored!.tags.get('releq.seed')).to.equal('1');
    expect(stored!.tags.get(CLIENT_RUN_KEY_TAG)).to.be.a('string');
    // The run folder remembers the pending id; resuming it continues the run the sync created.
    const again2 = new RestTracker({ url: server.url, spoolDir, http: FAST, systemTags: { 'mlflow.user': 'u' } });
    const resumed = await again2.startRun({ experimentName: 'offline', runName: 'r', tags: {}, resumeRunId: run.runId });
    await resumed.logMetrics(points('acc', 5, 2));
    await resumed.end('FINISHED');
    await again2.close();
    expect(server.runs.size).to.equal(1);
    expect(steps(stored!.metrics)).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
    expect(stored!.info['status']).to.equal('FINISHED');
  });

  it('after a crash mid-replay, re-checks the entry that was being sent instead of doubling it', async () => {
    const exp = String(1);
    server.experiments.set('e', exp);
    server.runs.set('run9', { info: { run_id: 'run9', experiment_id: exp, status: 'RUNNING', artifact_uri: `mlflow-artifacts:/1/run9/artifacts` },
      params: new Map(), tags: new Map(), metrics: [] });
    const spool = SpoolFile.create(spoolDir);
    spool.append({ op: 'start', url: server.url, experimentName: 'e', runName: 'r', userId: 'u', startTime: 1, tags: [], clientKey: 'k', runId: 'run9' });
    const batch = spool.append({ op: 'batch', metrics: points('m', 0, 4), params: [], tags: [] });
    spool.append({ op: 'batch', metrics: points('m', 4, 2), params: [], tags: [] });
    spool.append({ op: 'end', status: 'FINISHED', endTime: 99 });
    appendFileSync(spool.path, '{"seq": 4, "op": "en'); // a torn last line from a crash while appending
    // The previous replay sent the first batch, the server applied it, and the process died before recording 'done'.
    spool.record({ seq: 0, state: 'started' });
    spool.record({ seq: 0, state: 'done', runId: 'run9' });
    spool.record({ seq: batch.seq, state: 'started' });
    server.runs.get('run9')!.metrics.push(...points('m', 0, 4).map((p) => ({ ...p, value: Number.isNaN(p.value) ? 'NaN' : p.value })));
    const report = await syncSpool({ spoolDir, http: FAST });
    expect(report.replays[0]).to.include({ applied: 3, remaining: 0 });
    expect(steps(server.runs.get('run9')!.metrics)).to.deep.equal([0, 1, 2, 3, 4, 5]);
    expect(server.runs.get('run9')!.info['status']).to.equal('FINISHED');
    expect(existsSync(spool.path)).to.equal(false);
  });

  it('leaves a spool another process is replaying alone', async () => {
    mkdirSync(spoolDir, { recursive: true });
    const spool = SpoolFile.create(spoolDir);
    spool.append({ op: 'start', url: server.url, experimentName: 'e', runName: 'r', userId: 'u', startTime: 1, tags: [], clientKey: 'k' });
    expect(spool.tryLock()).to.equal(true);
    const report = await syncSpool({ spoolDir, http: FAST });
    expect(report).to.deep.equal({ replays: [], busy: 1 });
    spool.unlock();
    expect(server.runs.size).to.equal(0);
  });
});
