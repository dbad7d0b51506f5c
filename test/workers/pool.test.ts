import { expect } from 'chai';
import { createRequire } from 'node:module';
import { ReleqError } from '../../src/errors.js';
import { WorkerPool, transferablesIn, type WorkerTask } from '../../src/workers/index.js';

function nativeGpuInstalled(): boolean {
  try { createRequire(import.meta.url).resolve('@tensorflow/tfjs-node-gpu'); return true; } catch { return false; }
}

const tasks = new URL('./fixtures/tasks.js', import.meta.url);
const task = <P>(exportName: string, payload: P, extra: Partial<WorkerTask<P>> = {}): WorkerTask<P> => ({ module: tasks, exportName, payload, ...extra });

describe('WorkerPool', function () {
  this.timeout(60000);
  let pool: WorkerPool;
  before(async () => { pool = await WorkerPool.create({ workers: 2, backend: 'wasm' }); });
  after(async () => { await pool?.dispose(); });

  it('starts one single-thread wasm backend per worker', async () => {
    expect(pool.size).to.equal(2);
    expect(pool.backends().map((b) => [b.name, b.threads])).to.deep.equal([['wasm', 1], ['wasm', 1]]);
    const seen = await pool.runOnEach<{ index: number; tfBackend: string }>([task('describeWorker', null), task('describeWorker', null)]);
    expect(seen.map((s) => s.index)).to.deep.equal([0, 1]);
    expect(seen.every((s) => s.tfBackend === 'wasm')).to.equal(true);
  });

  it('runs tasks with typed arrays moved (not copied) both ways', async () => {
    const data = Float32Array.from([1, 2, 3, 4]);
    const result = await pool.run<{ sum: number; doubled: Float32Array }>(task('sumAndDouble', { data }, { transfer: [data.buffer] }));
    expect(data.byteLength, 'the input buffer was transferred').to.equal(0);
    expect(result.sum).to.equal(10);
    expect(result.doubled).to.be.instanceOf(Float32Array);
    expect(Array.from(result.doubled)).to.deep.equal([2, 4, 6, 8]);
    const pooled = Buffer.from([1, 2, 3]);
    expect(transferablesIn({ a: Float32Array.from([1]), b: [new Int32Array(2)], c: pooled })).to.have.length(2);
  });

  it('runs independent tasks on both workers at once (a SharedArrayBuffer barrier is met)', async () => {
    const shared = new SharedArrayBuffer(4);
    const out = await Promise.all([pool.run<{ met: boolean }>(task('barrier', { shared, parties: 2 })), pool.run<{ met: boolean }>(task('barrier', { shared, parties: 2 }))]);
    expect(out.every((o) => o.met)).to.equal(true);
  });

  it('propagates task errors with their message, and ReleqError kind and hint', async () => {
    const error = await pool.run(task('failWithReleqError', null)).then(() => null, (e: unknown) => e);
    expect(ReleqError.is(error)).to.equal(true);
    expect((error as ReleqError).kind).to.equal('data');
    expect((error as ReleqError).message).to.equal('fixture data is malformed');
    expect((error as ReleqError).hint).to.equal('regenerate it');
    const missing = await pool.run(task('noSuchExport', null)).then(() => null, (e: Error) => e);
    expect(missing?.message).to.match(/no exported function 'noSuchExport'/);
  });

  it('rejects the task of a crashed worker with a clear error and replaces the worker', async () => {
    const error = await pool.run(task('crashWorker', null)).then(() => null, (e: Error) => e);
    expect(error?.message).to.match(/worker \d crashed while running crashWorker.*exited with code 7/);
    const again = await pool.runOnEach<{ tfBackend: string }>([task('describeWorker', null), task('describeWorker', null)]);
    expect(again.map((a) => a.tfBackend)).to.deep.equal(['wasm', 'wasm']);
  });

  it('aborts a running task through its AbortSignal (stopping that worker) and keeps serving', async () => {
    const controller = new AbortController();
    const running = pool.run(task('spin', { ms: 20000 }, { signal: controller.signal }));
    setTimeout(() => controller.abort(new Error('user pressed Ctrl-C')), 200);
    const error = await running.then(() => null, (e: Error) => e);
    expect(error?.name).to.equal('AbortError');
    expect(error?.message).to.match(/Ctrl-C/);
    expect(await pool.run<number>(task('spin', { ms: 10 }))).to.be.above(0);
  });

  it('disposes on its AbortSignal: queued and running tasks reject, later runs are refused', async () => {
    const controller = new AbortController();
    const small = await WorkerPool.create({ workers: 1, backend: 'wasm', signal: controller.signal });
    const running = small.run(task('spin', { ms: 20000 }));
    const queued = small.run(task('spin', { ms: 10 }));
    setTimeout(() => controller.abort(new Error('SIGINT')), 100);
    const [a, b] = await Promise.all([running.then(() => null, (e: Error) => e), queued.then(() => null, (e: Error) => e)]);
    expect(a?.name).to.equal('AbortError');
    expect(b?.name).to.equal('AbortError');
    const later = await small.run(task('spin', { ms: 1 })).then(() => null, (e: Error) => e);
    expect(later?.message).to.match(/disposed/);
  });

  it('refuses a bad worker count and a backend that cannot start', async () => {
    const bad = await WorkerPool.create({ workers: 0 }).then(() => null, (e: unknown) => e);
    expect(ReleqError.is(bad) && bad.kind).to.equal('config');
    if (nativeGpuInstalled()) return; // then the backend would start: nothing to refuse
    const gpu = await WorkerPool.create({ workers: 1, backend: 'tensorflow-gpu' }).then(() => null, (e: unknown) => e);
    expect(ReleqError.is(gpu) && gpu.kind).to.equal('backend');
  });
});
