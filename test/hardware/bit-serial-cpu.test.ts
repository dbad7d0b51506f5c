import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bitSerialCpuPlugin } from '../../plugins/hardware/bit-serial-cpu.js';
import { BitSerialCpuTarget } from '../../src/hardware/bit-serial-target.js';
import { loadKernel } from '../../src/hardware/kernel/native-kernel.js';
import { bitSerialWordOps } from '../../src/hardware/models/bit-serial-analytic.js';
import { machineId } from '../../src/hardware/timing-cache.js';
import type { AnyPluginDefinition } from '../../src/registry/plugin.js';
import { MemoryLogger } from '../../src/services/logger.js';
import { Rng } from '../../src/services/rng.js';
import { createTarget, testContext } from './context.js';
import { conv, LENET, RESNET20, uniform } from './fixtures.js';

const settings = { timing: true, activationBits: 8, repetitions: 1, weights: 'unipolar', simd: true } as const;

describe('hardware: bit-serial-cpu target', function () {
  let dir: string;
  beforeEach(function () { dir = mkdtempSync(join(tmpdir(), 'releq-bsc-')); });
  afterEach(function () { rmSync(dir, { recursive: true, force: true }); });

  it('analytic model: word operations scale with w_bits * a_bits / 64, plus packing', function () {
    const layer = conv('c', 64, 64, 3, 16, 16); // K = 576 = 9 words, N = 64 lanes, M = 256
    expect(bitSerialWordOps(layer, 2, 8)).to.equal(256 * 64 * 9 * 16 + 256 * 9 * 10);
    const ratio = bitSerialWordOps(layer, 8, 8) / bitSerialWordOps(layer, 2, 8);
    expect(ratio).to.be.greaterThan(3.9).and.lessThan(4); // packing keeps it just under the ideal 4x
  });

  it('uses the analytic model with timing: false, in word-op units', async function () {
    const t = await createTarget(bitSerialCpuPlugin as AnyPluginDefinition, { timing: false }, testContext(dir));
    const r = await t.cost(RESNET20, uniform(RESNET20.length, 2, 8));
    expect(r.units.latency).to.equal('word-ops (analytic)');
    expect(r.perLayer[3]!.latency).to.equal(bitSerialWordOps(RESNET20[3]!, 2, 8));
    expect(r.speedup).to.be.greaterThan(3).and.lessThan(4);
    expect(existsSync(join(dir, 'hardware'))).to.equal(false); // nothing timed, nothing cached
  });

  it('falls back to the analytic model, with one clear warning, when the kernel is unavailable', async function () {
    const logger = new MemoryLogger();
    const t = new BitSerialCpuTarget({ ...settings, cacheDir: dir }, logger, Rng.stream(1, 'x'),
      () => Promise.resolve({ ok: false, reason: 'no C compiler could build it' }));
    const r1 = await t.cost(LENET, uniform(4, 2, 8));
    await t.cost(LENET, uniform(4, 4, 8));
    expect(r1.units.latency).to.equal('word-ops (analytic)');
    expect(logger.lines).to.deep.equal([
      'warning: bit-serial-cpu: the kernel is unavailable (no C compiler could build it); costing with the analytic model',
    ]);
  });

  it('times the kernel once per (shape, bits) and reuses the on-disk cache keyed by machine', async function () {
    const load = await loadKernel();
    if (!load.ok) {
      console.log(`    (skipped: bit-serial kernel unavailable: ${load.reason})`);
      this.skip();
    }
    const t1 = await createTarget(bitSerialCpuPlugin as AnyPluginDefinition, { repetitions: 2 }, testContext(dir));
    const precision = uniform(4, 2, 8);
    const r1 = await t1.cost(LENET, precision);
    expect(r1.units.latency).to.equal('ms');
    const file = join(dir, 'hardware', 'bit-serial-cpu-timings.json');
    const cache = JSON.parse(readFileSync(file, 'utf8')) as { machines: Record<string, Record<string, unknown>> };
    expect(Object.keys(cache.machines)).to.deep.equal([machineId()]);
    expect(machineId()).to.contain(`x${cpus().length}`);
    const keys = Object.keys(cache.machines[machineId()]!);
    expect(keys).to.have.length(8); // 4 distinct shapes x {2/8, 8/8}
    expect(keys).to.include(`conv:28x28x1k5s1p0n20|w2a8|unipolar/${load.kernel.simd ? load.kernel.isa : 'scalar-popcnt'}/thread-cpu/${load.kernel.build}`);
    // A new target (as in a new run) reads the cache instead of timing again: identical figures.
    const t2 = await createTarget(bitSerialCpuPlugin as AnyPluginDefinition, {}, testContext(dir));
    const r2 = await t2.cost(LENET, precision);
    expect(r2.perLayer).to.deep.equal(r1.perLayer);
    // Fewer bits must run faster on the big conv layer (ideal 4x; generous margin for a busy machine).
    expect(r1.speedup).to.be.greaterThan(1.2);
  });
});
