import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lutPlugin } from '../../plugins/hardware/lut.js';
import { ReleqError } from '../../src/errors.js';
import type { AnyPluginDefinition } from '../../src/registry/plugin.js';
import { createTarget, testContext } from './context.js';
import { LENET, uniform } from './fixtures.js';

const full = (latency: number, energy: number) => ({ '8/8': { latency: latency * 4, energy: energy * 4 }, '2/8': { latency, energy } });

describe('hardware: lut target', function () {
  let dir: string;
  before(function () { dir = mkdtempSync(join(tmpdir(), 'releq-lut-')); });
  after(function () { rmSync(dir, { recursive: true, force: true }); });

  function write(name: string, data: unknown): string {
    const file = join(dir, name);
    writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data));
    return file;
  }
  async function failure(options: Record<string, unknown>, precision = uniform(4, 2, 8)): Promise<ReleqError> {
    try {
      const t = await createTarget(lutPlugin as AnyPluginDefinition, options, testContext(dir));
      await t.cost(LENET, precision);
    } catch (err) {
      if (ReleqError.is(err)) return err;
      throw err;
    }
    return expect.fail('expected a ReleqError') as never;
  }

  it('costs an assignment from the table, with ratios against its 8/8 entries', async function () {
    write('ok.json', {
      name: 'test-board', units: { latency: 'ms', energy: 'mJ' },
      layers: { conv1: full(1, 2), conv2: full(2, 3), fc1: full(3, 4), fc2: full(4, 5) },
    });
    const t = await createTarget(lutPlugin as AnyPluginDefinition, { file: 'ok.json' }, testContext(dir));
    const r = await t.cost(LENET, uniform(4, 2, 8));
    expect(r.units).to.deep.equal({ latency: 'ms', energy: 'mJ' });
    expect(r.perLayer.map((c) => c.latency)).to.deep.equal([1, 2, 3, 4]);
    expect(r.total).to.deep.equal({ latency: 10, energy: 14 });
    expect(r.speedup).to.equal(4);
    expect(r.energyReduction).to.equal(4);
  });

  it('reads unquantized activations (32) at the activationBits option', async function () {
    write('act.json', { units: { latency: 'ms' }, layers: { conv1: full(1, 0), conv2: full(1, 0), fc1: full(1, 0), fc2: full(1, 0) } });
    const t = await createTarget(lutPlugin as AnyPluginDefinition, { file: 'act.json' }, testContext(dir));
    const r = await t.cost(LENET, uniform(4, 2, 32));
    expect(r.total.latency).to.equal(4);
    expect(r.energyReduction).to.equal(null);
  });

  it('names the file, the layer and the missing (w_bits/a_bits) pair', async function () {
    const file = write('missing-pair.json', {
      units: { latency: 'ms' }, layers: { conv1: full(1, 0), conv2: { '8/8': { latency: 1 } }, fc1: full(1, 0), fc2: full(1, 0) },
    });
    const err = await failure({ file: 'missing-pair.json' });
    expect(err.message).to.equal(`lut: ${file}: layer "conv2" has no entry for w_bits/a_bits "2/8" (it has: 8/8)`);
    expect(err.hint).to.contain('8-bit activations');
  });

  it('names a missing layer and suggests the nearest name', async function () {
    const file = write('missing-layer.json', { units: { latency: 'ms' }, layers: { 'conv-1': full(1, 0), conv2: full(1, 0) } });
    const err = await failure({ file: 'missing-layer.json' });
    expect(err.message).to.equal(`lut: ${file} has no layer "conv1" (it has: conv-1, conv2)`);
    expect(err.hint).to.equal('did you mean "conv-1"?');
  });

  it('rejects tables that break the schema, naming the file and the path', async function () {
    const file = write('bad.json', { units: { latency: 'ms' }, layers: { conv1: { '8-8': { latency: 1 } } } });
    const err = await failure({ file: 'bad.json' });
    expect(err.kind).to.equal('config');
    expect(err.message).to.contain(`lut: ${file} does not follow schemas/hardware-lut.schema.json`);
    expect(err.message).to.contain('/layers/conv1');
  });

  it('rejects a missing file, bad JSON, and entries without energy when the table has an energy unit', async function () {
    expect((await failure({ file: 'nope.json' })).message).to.equal(`lut: the table ${join(dir, 'nope.json')} does not exist`);
    write('broken.json', '{"units": ');
    expect((await failure({ file: 'broken.json' })).message).to.match(/broken\.json is not valid JSON/);
    write('no-energy.json', { units: { latency: 'ms', energy: 'mJ' }, layers: { conv1: { '8/8': { latency: 1 } } } });
    expect((await failure({ file: 'no-energy.json' })).message).to.match(/layer "conv1" entry "8\/8" has no energy/);
  });
});
