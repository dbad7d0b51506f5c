import { expect } from 'chai';
import { bitFusionFactor, bitFusionCost, fusedBits, loomCost, stripesCost } from '../../src/hardware/models/accelerators.js';
import { buildReport } from '../../src/hardware/precision.js';
import { ReleqError } from '../../src/errors.js';
import { stripesPlugin } from '../../plugins/hardware/stripes.js';
import { loomPlugin } from '../../plugins/hardware/loom.js';
import { bitFusionPlugin } from '../../plugins/hardware/bitfusion.js';
import type { AnyPluginDefinition } from '../../src/registry/plugin.js';
import { conv, dense, LENET, RESNET20, uniform } from './fixtures.js';
import { createTarget, testContext } from './context.js';

const ctx = testContext('/tmp');
const geometry = { tiles: 16, filters: 16, windows: 16, lanes: 16, serial: 'weights' as const };

describe('hardware: accelerator models', function () {
  describe('stripes', function () {
    it('halves execution time when the serial operand precision halves (weights serial)', async function () {
      const t = await createTarget(stripesPlugin as AnyPluginDefinition, {}, ctx);
      const r8 = await t.cost(RESNET20, uniform(RESNET20.length, 8, 8));
      const r4 = await t.cost(RESNET20, uniform(RESNET20.length, 4, 8));
      const r2 = await t.cost(RESNET20, uniform(RESNET20.length, 2, 8));
      expect(r8.speedup).to.equal(1);
      expect(r4.total.latency * 2).to.be.closeTo(r8.total.latency, 1e-9);
      expect(r2.total.latency * 2).to.be.closeTo(r4.total.latency, 1e-9);
      r4.perLayer.forEach((c, i) => expect(c.latency * 2).to.be.closeTo(r8.perLayer[i]!.latency, 1e-9));
      expect(r2.speedup).to.be.closeTo(4, 1e-9);
    });

    it('follows activations, not weights, when serial: activations', async function () {
      const t = await createTarget(stripesPlugin as AnyPluginDefinition, { serial: 'activations' }, ctx);
      const w2 = await t.cost(LENET, uniform(4, 2, 8));
      const a4 = await t.cost(LENET, uniform(4, 8, 4));
      expect(w2.speedup).to.equal(1);
      expect(a4.speedup).to.be.closeTo(2, 1e-9);
    });

    it('uses the tiles/windows/lanes geometry (fewer tiles, proportionally slower)', function () {
      const layer = RESNET20[14]!; // 3x3 64->64 @8
      const full = stripesCost(layer, 8, 8, geometry).cycles;
      const half = stripesCost(layer, 8, 8, { ...geometry, tiles: 2, filters: 16 }).cycles;
      // 64 output channels: 16 tiles x 16 filters cover them in one pass, 2 x 16 need two.
      expect(half).to.equal(full * 2);
    });

    it('compute-only energy scales with the serial precision; memory energy keeps the ratio below speedup', async function () {
      const computeOnly = await createTarget(stripesPlugin as AnyPluginDefinition, { sramPjPerBit: 0, dramPjPerBit: 0 }, ctx);
      const r = await computeOnly.cost(RESNET20, uniform(RESNET20.length, 4, 8));
      expect(r.energyReduction).to.be.closeTo(2, 1e-9);
      const withMemory = await createTarget(stripesPlugin as AnyPluginDefinition, {}, ctx);
      const m = await withMemory.cost(RESNET20, uniform(RESNET20.length, 4, 8));
      expect(m.energyReduction).to.be.greaterThan(1).and.lessThan(2);
      expect(m.units).to.deep.equal({ latency: 'us', energy: 'uJ' });
      // Activations at 8 bits do not shrink: charging them DRAM too lowers the energy ratio further.
      const offChip = await createTarget(stripesPlugin as AnyPluginDefinition, { activationsOffChip: true }, ctx);
      const o = await offChip.cost(RESNET20, uniform(RESNET20.length, 4, 8));
      expect(o.total.energy).to.be.greaterThan(m.total.energy!);
      expect(o.energyReduction).to.be.lessThan(m.energyReduction!);
    });

    it('costs unquantized (32-bit) layers as 16-bit fixed point', async function () {
      const t = await createTarget(stripesPlugin as AnyPluginDefinition, {}, ctx);
      const r32 = await t.cost(LENET, uniform(4, 32, 32));
      const r16 = await t.cost(LENET, uniform(4, 16, 8));
      expect(r32.total).to.deep.equal(r16.total);
      expect(r16.speedup).to.be.closeTo(0.5, 1e-9);
    });
  });

  describe('loom', function () {
    it('conv time scales with Pw*Pa/256 and matches the 16-bit bit-parallel engine at 16/16', function () {
      const layer = conv('c', 64, 64, 3, 16, 16);
      const parallel = Math.ceil(layer.macs / 4096);
      expect(loomCost(layer, 16, 16, 4096).cycles).to.equal(parallel);
      expect(loomCost(layer, 4, 8, 4096).cycles).to.equal(parallel * 32 / 256);
      expect(loomCost(layer, 8, 8, 4096).cycles / loomCost(layer, 2, 4, 4096).cycles).to.equal(8);
    });

    it('fully connected time scales with Pw/16 only', function () {
      const layer = dense('fc', 800, 500);
      const parallel = Math.ceil(layer.macs / 4096);
      expect(loomCost(layer, 4, 8, 4096).cycles).to.equal(parallel / 4);
      expect(loomCost(layer, 4, 2, 4096).cycles).to.equal(loomCost(layer, 4, 8, 4096).cycles);
    });

    it('reports 4x for 4/4-bit ResNet-20 convs against 8/8', async function () {
      const t = await createTarget(loomPlugin as AnyPluginDefinition, {}, ctx);
      const convs = RESNET20.filter((l) => l.kind === 'conv');
      const r = await t.cost(convs, uniform(convs.length, 4, 4));
      expect(r.speedup).to.be.closeTo(4, 1e-9);
    });
  });

  describe('bitfusion', function () {
    it("reproduces Bit Fusion's published 16x for 2/2-bit against 8/8", async function () {
      expect(bitFusionFactor(2, 2)).to.equal(16);
      expect(bitFusionFactor(8, 8)).to.equal(1);
      const t = await createTarget(bitFusionPlugin as AnyPluginDefinition, {}, ctx);
      const body = RESNET20.slice(1, -1); // 3x3 convs: MAC counts divide the array evenly
      const r = await t.cost(body, uniform(body.length, 2, 2));
      expect(r.speedup).to.be.closeTo(16, 1e-9);
    });

    it('rounds bits up to 2/4/8 bricks: floor(8/a) * floor(8/w)', function () {
      expect([1, 2, 3, 4, 5, 8].map(fusedBits)).to.deep.equal([2, 2, 4, 4, 8, 8]);
      expect(bitFusionFactor(4, 2)).to.equal(8);
      expect(bitFusionFactor(3, 5)).to.equal(2); // 3 -> 4 (weights), 5 -> 8 (activations)
      expect(bitFusionFactor(1, 8)).to.equal(4);
      expect(bitFusionFactor(16, 8)).to.equal(0.5); // temporal fusion beyond 8 bits
      const layer = conv('c', 64, 64, 3, 16, 16);
      expect(bitFusionCost(layer, 8, 8, 512).cycles / bitFusionCost(layer, 4, 4, 512).cycles).to.equal(4);
    });
  });

  describe('reports', function () {
    it('rejects an assignment that does not fit the layer table, naming the target', async function () {
      const call = buildReport('stripes', { latency: 'us', energy: null }, LENET, uniform(3, 8, 8), () => ({ latency: 1, energy: null }));
      await expectReject(call, /stripes: 3 precisions for 4 layers/);
      const bad = [...uniform(3, 8, 8), { weightBits: 0, activationBits: 8 }];
      await expectReject(buildReport('loom', { latency: 'us', energy: null }, LENET, bad, () => ({ latency: 1, energy: null })),
        /loom: layer 3 \(fc2\) has weightBits 0/);
    });

    it('sums per-layer costs and compares with 8/8', async function () {
      const r = await buildReport('x', { latency: 'u', energy: 'e' }, LENET, uniform(4, 2, 8), (_l, p) => ({
        latency: p.weightBits, energy: p.weightBits * 2,
      }));
      expect(r.total).to.deep.equal({ latency: 8, energy: 16 });
      expect(r.baseline).to.deep.equal({ latency: 32, energy: 64 });
      expect(r.speedup).to.equal(4);
      expect(r.energyReduction).to.equal(4);
    });
  });
});

async function expectReject(p: Promise<unknown>, message: RegExp): Promise<void> {
  try {
    await p;
  } catch (err) {
    expect(ReleqError.is(err)).to.equal(true);
    expect((err as Error).message).to.match(message);
    return;
  }
  expect.fail(`expected a rejection matching ${message}`);
}
