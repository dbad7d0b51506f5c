import { expect } from 'chai';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReleqError } from '../../src/errors.js';
import type { TrackerRun } from '../../src/registry/contracts/tracker.js';
import { MemoryLogger } from '../../src/services/logger.js';
import { MlflowFileStore } from '../../src/tracking/file-store.js';
import { FileStoreTracker } from '../../src/tracking/file-tracker.js';

const T0 = 1700000000000;
const SYSTEM = { 'mlflow.user': 'alice', 'mlflow.source.name': 'bin/releq.js', 'mlflow.source.type': 'LOCAL' };

function tracker(root: string, logger = new MemoryLogger()): FileStoreTracker {
  let t = T0;
  return new FileStoreTracker({ root, systemTags: SYSTEM, logger, now: () => t++ });
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1)).sort();
}

describe('tracking: MLflow file store (byte-level, MLflow 2.12.2 format)', () => {
  let dir: string;
  let root: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'releq-fs-')); root = join(dir, 'mlruns'); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function startRun(t: FileStoreTracker, runName = 'run one'): Promise<{ run: TrackerRun; expId: string; runDir: string }> {
    const run = await t.startRun({ experimentName: 'lenet replay: #1', runName, tags: {} });
    const expId = readdirSync(root).find((d) => /^\d{18}$/.test(d)) as string;
    return { run, expId, runDir: join(root, expId, run.runId) };
  }

  it('initialises a new root like MLflow: Default experiment 0 and .trash', () => {
    const store = new MlflowFileStore(root, { now: () => T0 });
    expect(existsSync(root)).to.equal(false); // nothing is created before the first use
    expect(store.listExperiments().map((e) => e.experimentId)).to.deep.equal(['0']);
    expect(readFileSync(join(root, '0', 'meta.yaml'), 'utf8')).to.equal(
      `artifact_location: file://${root}/0\ncreation_time: ${T0}\nexperiment_id: '0'\nlast_update_time: ${T0}\n`
      + 'lifecycle_stage: active\nname: Default\n');
    expect(existsSync(join(root, '.trash'))).to.equal(true);
  });

  it('writes experiment and run meta.yaml byte for byte, and the final status with end_time', async () => {
    const t = tracker(root);
    const { run, expId, runDir } = await startRun(t);
    expect(expId).to.match(/^[1-9]\d{17}$/);
    expect(run.runId).to.match(/^[0-9a-f]{32}$/);
    expect(readFileSync(join(root, expId, 'meta.yaml'), 'utf8')).to.equal(
      `artifact_location: file://${root}/${expId}\ncreation_time: ${T0 + 1}\nexperiment_id: '${expId}'\n`
      + `last_update_time: ${T0 + 1}\nlifecycle_stage: active\nname: 'lenet replay: #1'\n`);
    const runMeta = (status: number, end: string, created: boolean): string =>
      `artifact_uri: file://${root}/${expId}/${run.runId}/artifacts\n${created ? 'deleted_time: null\n' : ''}end_time: ${end}\n`
      + `entry_point_name: ''\nexperiment_id: '${expId}'\nlifecycle_stage: active\nrun_id: ${run.runId}\nrun_name: run one\n`
      + `run_uuid: ${run.runId}\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: ${T0 + 2}\nstatus: ${status}\n`
      + 'tags: []\nuser_id: alice\n';
    expect(readFileSync(join(runDir, 'meta.yaml'), 'utf8')).to.equal(runMeta(1, 'null', true));
    await run.end('FINISHED');
    expect(readFileSync(join(runDir, 'meta.yaml'), 'utf8')).to.equal(runMeta(3, String(T0 + 3), false));
    await run.end('KILLED');
    expect(readFileSync(join(runDir, 'meta.yaml'), 'utf8')).to.contain('status: 5\n');
  });

  it('writes system tags, params and tags as bare values and metrics as `timestamp value step` lines', async () => {
    const { run, runDir } = await startRun(tracker(root));
    await run.logParams({ 'agent.lr': '0.001', bits: '[2,3,4]' });
    await run.setTags({ 'releq.note': 'first\nsecond' });
    await run.logMetrics([
      { key: 'acc', value: 0.5, timestamp: T0, step: 0 }, { key: 'acc', value: NaN, timestamp: T0 + 1, step: 1 },
      { key: 'train/loss', value: 1e-7, timestamp: T0 + 2, step: 2 }, { key: 'acc', value: -Infinity, timestamp: T0 + 3, step: 2 },
    ]);
    await run.logMetrics([{ key: 'acc', value: 3, timestamp: T0 + 4, step: 3 }]);
    const read = (p: string): string => readFileSync(join(runDir, p), 'utf8');
    expect(read('tags/mlflow.runName')).to.equal('run one');
    expect(read('tags/mlflow.user')).to.equal('alice');
    expect(read('tags/mlflow.source.name')).to.equal('bin/releq.js');
    expect(read('tags/mlflow.source.type')).to.equal('LOCAL');
    expect(read('tags/releq.note')).to.equal('first\nsecond');
    expect(read('params/agent.lr')).to.equal('0.001');
    expect(read('params/bits')).to.equal('[2,3,4]');
    expect(read('metrics/acc')).to.equal(`${T0} 0.5 0\n${T0 + 1} nan 1\n${T0 + 3} -inf 2\n${T0 + 4} 3.0 3\n`);
    expect(read('metrics/train/loss')).to.equal(`${T0 + 2} 1e-07 2\n`);
    expect(allFiles(runDir).filter((f) => f.includes('.releq-tmp'))).to.deep.equal([]);
  });

  it('keeps params immutable as MLflow does, and writes nothing of a rejected batch', async () => {
    const { run, runDir } = await startRun(tracker(root));
    await run.logParams({ lr: '0.1' });
    await run.logParams({ lr: '0.1' }); // the same value again is fine
    const error = await run.logParams({ lr: '0.2', other: 'x' }).catch((e: unknown) => e);
    expect(ReleqError.is(error)).to.equal(true);
    expect((error as Error).message).to.equal(`Changing param values is not allowed. Param with key='lr' was already logged `
      + `with value='0.1' for run ID='${run.runId}'. Attempted logging new value '0.2'.`);
    expect(readFileSync(join(runDir, 'params/lr'), 'utf8')).to.equal('0.1');
    expect(existsSync(join(runDir, 'params/other'))).to.equal(false);
  });

  it('truncates over-long param and tag values as MLflow does, with a warning', async () => {
    const logger = new MemoryLogger();
    const { run, runDir } = await startRun(tracker(root, logger));
    await run.logParams({ long: 'é'.repeat(7000) });
    await run.setTags({ long: 'x'.repeat(5001) });
    expect(readFileSync(join(runDir, 'params/long'), 'utf8')).to.equal('é'.repeat(6000));
    expect(readFileSync(join(runDir, 'tags/long'), 'utf8')).to.equal('x'.repeat(5000));
    expect(logger.lines.filter((l) => l.startsWith('warning:') && l.includes('is truncated to'))).to.have.length(2);
  });

  const badKeys: ReadonlyArray<readonly [string, string]> = [
    ['bad!name', "Invalid parameter name: 'bad!name'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/)."],
    ['../up', "Invalid parameter name: '../up'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '../up'"],
    ['a//b', "Invalid parameter name: 'a//b'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to 'a/b'"],
    ['k'.repeat(251), `Param key '${'k'.repeat(250)}' had length 251, which exceeded length limit of 250`],
  ];
  for (const [key, message] of badKeys) {
    it(`rejects the param key ${key.slice(0, 12)} with MLflow's message`, async () => {
      const { run } = await startRun(tracker(root));
      const error = await run.logParams({ [key]: 'v' }).catch((e: unknown) => e);
      expect((error as Error).message).to.equal(message);
    });
  }

  it('rejects metrics MLflow would store wrongly (negative timestamp, fractional step)', async () => {
    const { run } = await startRun(tracker(root));
    const e1 = await run.logMetrics([{ key: 'a', value: 1, timestamp: -5, step: 0 }]).catch((e: unknown) => e);
    expect((e1 as Error).message).to.match(/^Got invalid timestamp -5 for metric 'a'/);
    const e2 = await run.logMetrics([{ key: 'a', value: 1, timestamp: 1, step: 1.5 }]).catch((e: unknown) => e);
    expect((e2 as Error).message).to.match(/^Got invalid step 1.5 for metric 'a'/);
  });

  it('reuses the experiment folder for the same name and creates one for a new name', async () => {
    const a = await startRun(tracker(root));
    const b = await startRun(tracker(root), 'run two'); // a second process-like tracker
    expect(b.expId).to.equal(a.expId);
    await tracker(root).startRun({ experimentName: 'other', runName: 'r', tags: {} });
    mkdirSync(join(root, '123')); // a malformed experiment folder (no meta.yaml) is skipped, as MLflow does
    const experiments = new MlflowFileStore(root).listExperiments().map((e) => e.name).sort();
    expect(experiments).to.deep.equal(['Default', 'lenet replay: #1', 'other']);
  });

  it('rejects experiment names MLflow cannot look up', () => {
    const store = new MlflowFileStore(root);
    expect(() => store.getOrCreateExperiment('')).to.throw("Invalid experiment name: ''");
    expect(() => store.getOrCreateExperiment("bob's")).to.throw(/single quote/);
  });

  it('copies artifacts (files and folders) under the run and refuses paths that leave it', async () => {
    const { run, runDir } = await startRun(tracker(root));
    const src = join(dir, 'src');
    mkdirSync(join(src, 'plots'), { recursive: true });
    writeFileSync(join(src, 'results.json'), '{"best":1}');
    writeFileSync(join(src, 'plots', 'a.svg'), '<svg/>');
    await run.logArtifact(join(src, 'results.json'));
    await run.logArtifact(join(src, 'results.json'), 'config/resolved');
    await run.logArtifact(join(src, 'plots'));
    expect(allFiles(join(runDir, 'artifacts'))).to.deep.equal(['config/resolved/results.json', 'plots/a.svg', 'results.json']);
    expect(readFileSync(join(runDir, 'artifacts/results.json'), 'utf8')).to.equal('{"best":1}');
    const error = await run.logArtifact(join(src, 'results.json'), '../escape').catch((e: unknown) => e);
    expect((error as Error).message).to.contain("must be a relative path without '..'");
  });

  it('adds the parent link for nested runs', async () => {
    const t = tracker(root);
    const parent = await t.startRun({ experimentName: 'sweep', runName: 'parent', tags: {} });
    const child = await t.startRun({ experimentName: 'sweep', runName: 'child', tags: {}, parentRunId: parent.runId });
    const expId = readdirSync(root).find((d) => /^\d{18}$/.test(d)) as string;
    expect(readFileSync(join(root, expId, child.runId, 'tags/mlflow.parentRunId'), 'utf8')).to.equal(parent.runId);
  });

  it('resumes a run: back to RUNNING, a torn metric line from a crash is dropped, appends go on', async () => {
    const t = tracker(root);
    const { run, runDir } = await startRun(t);
    await run.logMetrics([{ key: 'acc', value: 0.25, timestamp: T0, step: 0 }]);
    await run.end('FAILED');
    expect(readFileSync(join(runDir, 'meta.yaml'), 'utf8')).to.contain('status: 4\n');
    appendFileSync(join(runDir, 'metrics/acc'), '17000000'); // a torn line, as after a power cut
    writeFileSync(join(runDir, 'metrics/empty'), '');
    const resumed = await tracker(root).startRun({ experimentName: 'x', runName: 'x', tags: {}, resumeRunId: run.runId });
    expect(resumed.runId).to.equal(run.runId);
    const meta = readFileSync(join(runDir, 'meta.yaml'), 'utf8');
    expect(meta).to.contain('status: 1\n').and.contain('end_time: null\n');
    expect(existsSync(join(runDir, 'metrics/empty'))).to.equal(false);
    await resumed.logMetrics([{ key: 'acc', value: 0.5, timestamp: T0 + 9, step: 1 }]);
    expect(readFileSync(join(runDir, 'metrics/acc'), 'utf8')).to.equal(`${T0} 0.25 0\n${T0 + 9} 0.5 1\n`);
  });
});
