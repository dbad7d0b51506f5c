import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PluginContext } from '../../src/registry/plugin.js';
import { Registry } from '../../src/registry/registry.js';
import { MemoryLogger } from '../../src/services/logger.js';
import { Rng } from '../../src/services/rng.js';
import { FileStoreTracker } from '../../src/tracking/file-tracker.js';
import { flattenParams } from '../../src/tracking/flatten-params.js';
import { RestTracker } from '../../src/tracking/rest/rest-tracker.js';
import { resolveTrackingUri } from '../../src/tracking/tracking-uri.js';
import { mlflowTrackerPlugin, type MlflowTrackerOptions } from '../../plugins/trackers/mlflow.js';
import { trackerPlugins } from '../../plugins/trackers/index.js';
import { noneTrackerPlugin } from '../../plugins/trackers/none.js';

function context(configDir: string): PluginContext {
  const unused = (): never => { throw new Error('not used'); };
  return {
    seed: 1, rng: (s) => Rng.stream(1, s), logger: new MemoryLogger(),
    paths: { configDir, dataDir: configDir, cacheDir: join(configDir, '.cache'), runDir: join(configDir, 'run') },
    resolvePath: (p) => resolve(configDir, p), backend: unused, use: unused, signal: new AbortController().signal,
  };
}

describe('tracking: plugins, tracking URI and params', () => {
  it('registers mlflow and none with schemas the registry accepts, and fills defaults', () => {
    const registry = new Registry();
    for (const p of trackerPlugins) registry.register(p);
    expect(registry.names('tracker')).to.deep.equal(['mlflow', 'none']);
    const options: Record<string, unknown> = {};
    expect(registry.get('tracker', 'mlflow').validate(options)).to.equal(true);
    expect(options).to.deep.equal({ uri: '', experimentName: '', spoolDir: '' });
    expect(registry.get('tracker', 'mlflow').validate({ url: 'x' })).to.equal(false);
  });

  it('resolves tracking URIs as MLflow does (REST, file: URIs, paths, env, cwd default)', () => {
    const cfg = (p: string): string => resolve('/cfg', p);
    expect(resolveTrackingUri('http://127.0.0.1:5000/', cfg, {}, '/cwd')).to.deep.equal({ kind: 'rest', url: 'http://127.0.0.1:5000' });
    expect(resolveTrackingUri('file:///data/ml%20runs', cfg, {}, '/cwd')).to.deep.equal({ kind: 'file', root: '/data/ml runs' });
    expect(resolveTrackingUri('./store', cfg, {}, '/cwd')).to.deep.equal({ kind: 'file', root: '/cfg/store' });
    expect(resolveTrackingUri(undefined, cfg, {}, '/cwd')).to.deep.equal({ kind: 'file', root: '/cwd/mlruns' });
    expect(resolveTrackingUri(undefined, cfg, { MLFLOW_TRACKING_URI: 'https://mlflow.example/x' }, '/cwd'))
      .to.deep.equal({ kind: 'rest', url: 'https://mlflow.example/x' });
    expect(resolveTrackingUri(undefined, cfg, { MLFLOW_TRACKING_URI: 'file:rel' }, '/cwd')).to.deep.equal({ kind: 'file', root: '/cwd/rel' });
    expect(() => resolveTrackingUri('sqlite:///mlflow.db', cfg, {}, '/cwd')).to.throw("uses the scheme 'sqlite:'");
  });

  it('creates a file-store tracker (default ./mlruns in the working directory) or a REST tracker', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'releq-plugin-'));
    const saved = process.env['MLFLOW_TRACKING_URI'];
    try {
      delete process.env['MLFLOW_TRACKING_URI'];
      const opts = (o: Partial<MlflowTrackerOptions>): MlflowTrackerOptions => ({ uri: '', experimentName: '', spoolDir: '', ...o });
      const file = await mlflowTrackerPlugin.create(opts({ uri: 'store', experimentName: 'fixed' }), context(dir));
      expect(file).to.be.instanceOf(FileStoreTracker);
      const run = await file.startRun({ experimentName: 'ignored', runName: 'r', tags: {} });
      await run.end('FINISHED');
      expect(readdirSync(join(dir, 'store'))).to.include('0');
      expect((file as FileStoreTracker).store.getExperimentByName('fixed')).to.not.equal(undefined);
      const def = await mlflowTrackerPlugin.create(opts({}), context(dir));
      expect((def as FileStoreTracker).store.root).to.equal(resolve(process.cwd(), 'mlruns'));
      const rest = await mlflowTrackerPlugin.create(opts({ uri: 'http://127.0.0.1:9' }), context(dir));
      expect(rest).to.be.instanceOf(RestTracker);
      await rest.close();
    } finally {
      if (saved !== undefined) process.env['MLFLOW_TRACKING_URI'] = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('none records nothing but still answers', async () => {
    const none = await noneTrackerPlugin.create({}, context(tmpdir()));
    const run = await none.startRun({ experimentName: 'e', runName: 'r', tags: {} });
    await run.logMetrics([{ key: 'a', value: 1, step: 0, timestamp: 0 }]);
    await run.end('FINISHED');
    expect(run.runId).to.match(/^[0-9a-f]{32}$/);
  });

  it('flattens a config into dotted params within MLflow limits', () => {
    expect(flattenParams({
      name: 'lenet', seed: 7, agent: { name: 'ppo', options: { lr: 0.001, clip: null } }, bits: [2, 3, 4],
      layers: [{ bits: 4 }, { bits: 8 }], empty: {}, on: true, long: 'x'.repeat(7000),
    })).to.deep.equal({
      name: 'lenet', seed: '7', 'agent.name': 'ppo', 'agent.options.lr': '0.001', 'agent.options.clip': 'null', bits: '[2,3,4]',
      'layers.0.bits': '4', 'layers.1.bits': '8', empty: '{}', on: 'true', long: 'x'.repeat(6000),
    });
    expect(() => flattenParams({ 'bad!': 1 })).to.throw("config key 'bad!' cannot be an MLflow param: Invalid parameter name: 'bad!'");
  });
});
