/**
 * The file store checked against real MLflow 2.12.2 (slow; not part of `npm test`):
 *  1. MLflow's own Python FileStore, fed the same calls, writes the same bytes (ids, times and
 *     paths aside);
 *  2. `mlflow server` over a store written by releq lists the runs with params, metrics, tags,
 *     status, nesting and artifacts through its REST API.
 * Needs ../shared/tools/mlflow-server.sh and bare git copies of github williamjamir/mlflow and
 * bernii/querystring-parser in MLFLOW_GIT_DIR and QSP_GIT_DIR; skips otherwise.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { FileStoreTracker } from '../../src/tracking/file-tracker.js';
import { MlflowRestApi } from '../../src/tracking/rest/api.js';
import { MlflowHttpClient } from '../../src/tracking/rest/http-client.js';

const SCRIPT = resolve(process.cwd(), '../shared/tools/mlflow-server.sh');
const GIT = process.env['MLFLOW_GIT_DIR'];
const QSP = process.env['QSP_GIT_DIR'];
const SRC = process.env['MLFLOW_SRC'] ?? join(tmpdir(), 'mlflow-src');
const T0 = 1700000000000;

const PY_WRITER = `
import sys
from mlflow.store.tracking.file_store import FileStore
from mlflow.entities import Metric, Param, RunTag, RunStatus
s = FileStore(sys.argv[1])
eid = s.create_experiment("lenet replay: #1")
r = s.create_run(eid, "alice", ${T0}, [RunTag("mlflow.user", "alice")], "run one")
rid = r.info.run_id
s.log_batch(rid, [Metric("acc", 0.5, ${T0 + 1}, 0), Metric("acc", float("nan"), ${T0 + 2}, 1), Metric("train/loss", 1e-7, ${T0 + 3}, 2),
  Metric("big", 1e16, 1, 3), Metric("x", -float("inf"), 1, 4), Metric("y", 123456789012345.0, 1, 5)],
  [Param("a.b", "x" * 7000), Param("naïve key", "é")], [RunTag("t", "v")])
s.update_run_info(rid, RunStatus.FINISHED, ${T0 + 1000}, None)
`;

function tree(root: string): Record<string, string> {
  const norm = (t: string): string => t.split(root).join('<root>').replace(/\b\d{18}\b/g, '<exp>').replace(/\b[0-9a-f]{32}\b/g, '<run>')
    .replace(/(creation_time|last_update_time): \d+/g, '$1: <t>');
  const out: Record<string, string> = {};
  for (const d of readdirSync(root, { recursive: true, withFileTypes: true })) {
    const path = join(d.parentPath, d.name);
    out[norm(relative(root, path))] = d.isFile() ? norm(readFileSync(path, 'utf8')) : '<dir>';
  }
  return out;
}

describe('tracking: file store against real MLflow 2.12.2 (slow)', function () {
  this.timeout(300_000);
  let dir: string;
  before(function () {
    if (!existsSync(SCRIPT) || !GIT || !QSP) {
      console.log('    (skipped: needs ../shared/tools/mlflow-server.sh, MLFLOW_GIT_DIR and QSP_GIT_DIR)');
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'releq-mlflow-'));
    execFileSync('bash', [SCRIPT, 'setup', GIT as string], { env: { ...process.env, MLFLOW_SRC: SRC }, stdio: 'ignore' });
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it("writes the same bytes as MLflow's own FileStore for the same calls", async () => {
    execFileSync('/usr/bin/python3', ['-c', PY_WRITER, join(dir, 'py')], { env: { ...process.env, PYTHONPATH: `${SRC}:${SRC}/_deps` }, stdio: 'ignore' });
    let t = T0 - 2;
    const tracker = new FileStoreTracker({ root: join(dir, 'ts'), systemTags: { 'mlflow.user': 'alice' }, now: () => t++ });
    const run = await tracker.startRun({ experimentName: 'lenet replay: #1', runName: 'run one', tags: {} });
    await run.logMetrics([
      { key: 'acc', value: 0.5, timestamp: T0 + 1, step: 0 }, { key: 'acc', value: NaN, timestamp: T0 + 2, step: 1 },
      { key: 'train/loss', value: 1e-7, timestamp: T0 + 3, step: 2 }, { key: 'big', value: 1e16, timestamp: 1, step: 3 },
      { key: 'x', value: -Infinity, timestamp: 1, step: 4 }, { key: 'y', value: 123456789012345, timestamp: 1, step: 5 }]);
    await run.logParams({ 'a.b': 'x'.repeat(7000), 'naïve key': 'é' });
    await run.setTags({ t: 'v' });
    t = T0 + 1000;
    await run.end('FINISHED');
    const ours = tree(join(dir, 'ts'));
    const theirs = tree(join(dir, 'py'));
    expect(Object.keys(ours).sort()).to.deep.equal(Object.keys(theirs).sort());
    for (const key of Object.keys(theirs)) expect(ours[key], key).to.equal(theirs[key]);
  });

  it('is listed by `mlflow server` with params, metrics, tags, status, nesting and artifacts', async () => {
    const root = join(dir, 'served', 'mlruns');
    const tracker = new FileStoreTracker({ root });
    const parent = await tracker.startRun({ experimentName: 'lenet replay', runName: 'sweep', tags: {} });
    const child = await tracker.startRun({ experimentName: 'lenet replay', runName: 'trial: #1', tags: {}, parentRunId: parent.runId });
    await child.logParams({ 'agent.name': 'random', bits: '[2,3,4,8]' });
    await child.logMetrics([0, 1, 2].map((s) => ({ key: 'episode/reward', value: s === 1 ? NaN : s / 4, step: s, timestamp: T0 + s })));
    await child.setTags({ 'releq.seed': '7' });
    mkdirSync(join(dir, 'a'), { recursive: true });
    writeFileSync(join(dir, 'a', 'results.json'), '{"best":[2,3]}');
    await child.logArtifact(join(dir, 'a', 'results.json'), 'out');
    await child.end('FINISHED');
    await parent.end('KILLED');
    const port = String(20000 + Math.floor(Math.random() * 20000));
    const env = { ...process.env, MLFLOW_SRC: SRC, SKIP_APT: '1', MLFLOW_ARTIFACTS_DIR: join(dir, 'served', 'mlartifacts') };
    execFileSync('bash', [SCRIPT, GIT as string, port, root], { env, stdio: 'ignore' });
    const http = new MlflowHttpClient({ url: `http://127.0.0.1:${port}`, maxRetries: 0, env: {} });
    try {
      const api = new MlflowRestApi(http);
      const experiment = await api.getExperimentByName('lenet replay');
      expect(experiment?.artifact_location).to.equal(`file://${root}/${experiment?.experiment_id}`);
      const runs = await api.searchRuns([experiment!.experiment_id]);
      expect(runs.map((r) => [r.info.run_name, r.info.status]).sort()).to.deep.equal([['sweep', 'KILLED'], ['trial: #1', 'FINISHED']]);
      const nested = await api.searchRuns([experiment!.experiment_id], `tags.mlflow.parentRunId = '${parent.runId}'`);
      expect(nested.map((r) => r.info.run_id)).to.deep.equal([child.runId]);
      const run = await api.getRun(child.runId);
      expect(Object.fromEntries(run.data.params.map((p) => [p.key, p.value]))).to.deep.equal({ 'agent.name': 'random', bits: '[2,3,4,8]' });
      const tags = Object.fromEntries(run.data.tags.map((p) => [p.key, p.value]));
      expect(tags).to.include({ 'releq.seed': '7', 'mlflow.runName': 'trial: #1', 'mlflow.source.type': 'LOCAL', 'mlflow.parentRunId': parent.runId });
      const history = await api.getMetricHistory(child.runId, 'episode/reward');
      expect(history.map((m) => [m.step, m.value])).to.deep.equal([[0, 0], [1, NaN], [2, 0.5]]);
      expect((await api.listArtifacts(child.runId, 'out')).map((f) => f.path)).to.deep.equal(['out/results.json']);
    } finally {
      await http.close();
      execFileSync('bash', [SCRIPT, 'stop', port], { stdio: 'ignore' });
    }
  });
});
