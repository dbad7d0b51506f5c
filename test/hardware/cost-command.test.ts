import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { costCommand, parseBits } from '../../src/hardware/cost-command.js';
import { formatCostTable } from '../../src/hardware/cost-table.js';
import { buildReport } from '../../src/hardware/precision.js';
import { projectRoot } from '../../src/util/project-root.js';
import { ReleqError } from '../../src/errors.js';
import { LENET, uniform } from './fixtures.js';

describe('hardware: cost table and `releq cost`', function () {
  it('formats per-layer costs, totals, the 8/8 baseline and the ratios', async function () {
    const precision = uniform(4, 2, 8);
    const report = await buildReport('model', { latency: 'us', energy: 'uJ' }, LENET, precision, (l, p) => ({
      latency: l.macs * p.weightBits / 1e6, energy: p.weightBits,
    }));
    const text = formatCostTable([report], LENET, precision);
    const lines = text.split('\n');
    expect(lines[0]).to.match(/^#\s+layer\s+kind\s+shape\s+MACs\s+w\/a\s+model \[us\]\s+energy \[uJ\]$/);
    expect(lines[2]).to.match(/^0\s+conv1\s+conv\s+5x5 1->20 @24\s+288k\s+2\/8\s+0\.576\s+2\.00$/);
    expect(lines[5]).to.match(/^3\s+fc2\s+dense\s+500->10\s+5\.00k\s+2\/8/);
    expect(text).to.match(/vs 8\/8\s+4\.00x faster\s+4\.00x less/);
  });

  it('parses --bits lists, broadcasts one value, and names the layers on a length mismatch', function () {
    const names = ['a', 'b', 'c'];
    expect(parseBits('8, 2,4', 3, '--bits', names)).to.deep.equal([8, 2, 4]);
    expect(parseBits('3', 3, '--bits', names)).to.deep.equal([3, 3, 3]);
    expect(() => parseBits('8,2', 3, '--bits', names)).to.throw(ReleqError, '--bits: 2 values for 3 layers');
    try {
      parseBits('8,x', 3, '--bits', names);
    } catch (err) {
      expect((err as ReleqError).kind).to.equal('usage');
      return;
    }
    expect.fail('expected a usage error');
  });

  it('costs a LeNet assignment through the network plugin on several targets', async function () {
    this.timeout(30000);
    const dir = mkdtempSync(join(tmpdir(), 'releq-cost-'));
    try {
      const r = await costCommand({
        network: 'lenet', bits: '2,2,2,2', cacheDir: dir,
        targets: ['stripes', { name: 'bit-serial-cpu', timing: false }, 'bitfusion'],
      });
      expect(r.layers.map((l) => l.name)).to.have.length(4);
      expect(r.reports.map((x) => x.target)).to.deep.equal(['stripes', 'bit-serial-cpu', 'bitfusion']);
      expect(r.reports[0]!.speedup).to.be.closeTo(4, 1e-9);
      expect(r.text).to.contain('network lenet: 4 layers');
      expect(r.text).to.contain(r.layers[0]!.name);
      await costCommand({ network: 'lenet', bits: '2,2', cacheDir: dir, targets: ['stripes'] }).then(
        () => expect.fail('expected a usage error'),
        (err: Error) => expect(err.message).to.equal('--bits: 2 values for 4 layers'),
      );
      await costCommand({ network: 'lenet', bits: '2', targets: ['strips'] }).then(
        () => expect.fail('expected a usage error'),
        (err: Error) => expect(err.message).to.equal("unknown hardware target 'strips' (did you mean 'stripes'?)"),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the install-time build exits 0 with a clear message when no compiler is found', function () {
    const script = join(projectRoot(), 'native', 'bitserial', 'build.mjs');
    const run = spawnSync(process.execPath, [script, '--force'], { env: { PATH: '/nonexistent', CC: 'no-such-cc' }, encoding: 'utf8' });
    expect(run.status).to.equal(0);
    expect(run.stderr).to.contain('releq: bit-serial kernel not built: no C compiler could build it');
    expect(run.stderr).to.contain('will use its analytic model');
  });
});
