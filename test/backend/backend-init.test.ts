import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ReleqError } from '../../src/errors.js';
import { assertPinnedTfjs, initBackend } from '../../src/backend/index.js';
import { startNative } from '../../src/backend/native.js';
import { useWasm } from './helpers.js';

const runningTs = import.meta.url.endsWith('.ts');

function installed(pkg: string): boolean {
  try { createRequire(import.meta.url).resolve(pkg); return true; } catch { return false; }
}

describe('initBackend', function () {
  this.timeout(60000);

  it('is idempotent for the same choice and refuses a different one with a ReleqError', async () => {
    const info = await useWasm();
    expect(info.name).to.equal('wasm');
    expect(info.tfjsVersion).to.equal('4.22.0');
    expect(await initBackend('wasm')).to.equal(info);
    expect(await initBackend('auto')).to.equal(info);
    const error = await initBackend('cpu').then(() => null, (e: unknown) => e);
    expect(ReleqError.is(error)).to.equal(true);
    expect((error as ReleqError).kind).to.equal('backend');
    expect((error as ReleqError).message).to.match(/already running/);
  });

  it('refuses a tfjs version other than the pinned one, naming the packages', () => {
    expect(assertPinnedTfjs({ 'tfjs-core': '4.22.0' })).to.equal('4.22.0');
    expect(() => assertPinnedTfjs({ 'tfjs-core': '4.22.0', 'tfjs-layers': '4.21.0' })).to.throw(/tfjs-layers@4.21.0/);
  });

  it('names an unavailable native backend with an install hint', async function () {
    if (installed('@tensorflow/tfjs-node-gpu')) this.skip();
    const error = await startNative('tensorflow-gpu').then(() => null, (e: unknown) => e);
    expect(ReleqError.is(error)).to.equal(true);
    expect((error as ReleqError).message).to.match(/tensorflow-gpu.*unavailable/);
    expect((error as ReleqError).hint).to.match(/npm install --save-exact @tensorflow\/tfjs-node-gpu@4.22.0/);
  });

  it('starts the threaded-SIMD build with 2 threads in a child process, which then exits by itself', async () => {
    const fixture = fileURLToPath(new URL(`./fixtures/threaded-check.${runningTs ? 'ts' : 'js'}`, import.meta.url));
    const args = runningTs ? ['--import', 'tsx', fixture] : [fixture];
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, args, { timeout: 45000 }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)));
    });
    const line = stdout.trim().split('\n').pop()!;
    const result = JSON.parse(line) as { info: { name: string; threads: number }; relErr: number; first: number; last: number };
    expect(result.info).to.include({ name: 'wasm', threads: 2 });
    expect(result.relErr).to.be.at.most(1e-4);
    expect(result.last).to.be.below(result.first);
  });
});
