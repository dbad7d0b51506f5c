import { expect } from 'chai';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LandscapeEvaluator, landscapePlugin } from '../../plugins/evaluators/landscape.js';
import { parseLandscape, readLandscape } from '../../src/search/landscape-file.js';
import { ReleqError } from '../../src/errors.js';
import { MemoryLogger } from '../../src/services/logger.js';
import type { PluginContext } from '../../src/registry/plugin.js';
import { syntheticLandscapeJson } from '../search/fixtures.js';

const tiny = {
  name: 'tiny', layers: ['a', 'b'],
  layerTable: [{ name: 'a', n: 4, c: 1, k: 3, weightStd: 0.2 }, { name: 'b', n: 10, c: 16, k: 0, weightStd: 0.05 }],
  fullPrecisionAccuracy: 80, bitwidthChoices: [2, 4, 8], complete: false,
  entries: [
    { bits: [8, 8], accuracy: 80 }, { bits: [4, 8], accuracy: 70 }, { bits: [8, 4], accuracy: 60 },
    { bits: [2, 2], accuracy: 10 },
  ],
};

async function expectReleqError(p: Promise<unknown>, fragment: string): Promise<ReleqError> {
  try {
    await p;
  } catch (error) {
    expect(ReleqError.is(error), String(error)).to.equal(true);
    expect((error as Error).message).to.contain(fragment);
    return error as ReleqError;
  }
  throw new Error('expected a ReleqError');
}

describe('landscape evaluator', () => {
  it('answers recorded assignments as fractions and describes the problem', async () => {
    const ev = new LandscapeEvaluator(parseLandscape(tiny, 'tiny.json'), 'nearest', new MemoryLogger());
    const problem = await ev.prepare();
    expect(problem.fullPrecisionAccuracy).to.be.closeTo(0.8, 1e-12);
    expect(problem.fixedLayers).to.deep.equal([]);
    expect(problem.bitwidthChoices).to.deep.equal([2, 4, 8]);
    expect(problem.layers[0]).to.include({ kind: 'conv', outChannels: 4, inChannels: 1, kernelSize: 3, params: 36, weightStd: 0.2 });
    expect(problem.layers[1]).to.include({ kind: 'dense', params: 160, macs: 160 });
    const e = await ev.evaluate([4, 8]);
    expect(e).to.deep.equal({ accuracy: 0.7, origin: 'recorded', seconds: 0 });
  });

  it('estimates a missing assignment from its nearest recorded neighbours and counts it apart', async () => {
    const logger = new MemoryLogger();
    const ev = new LandscapeEvaluator(parseLandscape(tiny, 'tiny.json'), 'nearest', logger);
    // [4,4] is one ladder step from both [4,8] (0.70) and [8,4] (0.60): the mean of the two.
    const e = await ev.evaluate([4, 4]);
    expect(e.origin).to.equal('estimated');
    expect(e.accuracy).to.be.closeTo(0.65, 1e-12);
    // 3 is halfway between 2 and 4 on the ladder: [3,2] is 0.5 steps from [2,2] only.
    expect((await ev.evaluate([3, 2])).accuracy).to.be.closeTo(0.1, 1e-12);
    await ev.evaluate([4, 4]);
    await ev.evaluate([8, 8]);
    expect(ev.stats()).to.deep.equal({ distinct: 3, recorded: 1, estimated: 2, measured: 0, cacheHits: 1 });
    expect(logger.lines.filter((l) => l.startsWith('warning:'))).to.have.length(1);
  });

  it('fails clearly in missing: error mode, naming the assignment', async () => {
    const ev = new LandscapeEvaluator(parseLandscape(tiny, 'tiny.json'), 'error', new MemoryLogger());
    const err = await expectReleqError(ev.evaluate([4, 4]), 'no recorded accuracy for the assignment [4, 4]');
    expect(err.kind).to.equal('data');
    await expectReleqError(ev.evaluate([4]), 'has 2 layers but the assignment [4] has 1');
  });

  const bad: Array<{ name: string; mutate: (d: Record<string, unknown>) => void; fragment: string }> = [
    { name: 'missing layers', mutate: (d) => { delete d.layers; }, fragment: '"layers" must be a non-empty list' },
    { name: 'short layerTable', mutate: (d) => { d.layerTable = [(d.layerTable as unknown[])[0]]; }, fragment: 'one row per layer (2 layers)' },
    { name: 'bad n', mutate: (d) => { (d.layerTable as Array<Record<string, unknown>>)[1]!.n = 'x'; }, fragment: 'layerTable[1].n must be a non-negative number' },
    { name: 'no reference', mutate: (d) => { d.fullPrecisionAccuracy = 0; }, fragment: '"fullPrecisionAccuracy" must be a positive number' },
    { name: 'bad choices', mutate: (d) => { d.bitwidthChoices = [2, 2]; }, fragment: 'must not repeat' },
    { name: 'entry off the choices', mutate: (d) => { (d.entries as unknown[]).push({ bits: [3, 8], accuracy: 1 }); }, fragment: 'entries[4].bits must list 2 bitwidths from [2, 4, 8]' },
    { name: 'entry accuracy above 100', mutate: (d) => { (d.entries as unknown[]).push({ bits: [2, 4], accuracy: 101 }); }, fragment: 'entries[4].accuracy must be a number in [0, 100]' },
    { name: 'repeated entry', mutate: (d) => { (d.entries as unknown[]).push({ bits: [8, 8], accuracy: 1 }); }, fragment: 'entries[4] repeats the assignment [8,8]' },
  ];
  for (const c of bad) {
    it(`rejects a malformed file: ${c.name}`, () => {
      const d = structuredClone(tiny) as unknown as Record<string, unknown>;
      c.mutate(d);
      expect(() => parseLandscape(d, 'x.json')).to.throw(ReleqError, c.fragment);
    });
  }

  it('reads a file through the plugin, resolving the path against the experiment folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'releq-landscape-'));
    await writeFile(join(dir, 's.json'), JSON.stringify(syntheticLandscapeJson(2)));
    const ctx = { resolvePath: (p: string) => join(dir, p), logger: new MemoryLogger() } as unknown as PluginContext;
    const ev = await landscapePlugin.create({ file: 's.json', missing: 'error', accuracyUnit: 'auto' }, ctx);
    expect((await ev.evaluate([8, 8])).accuracy).to.be.closeTo(0.9, 1e-12);
    await expectReleqError(readLandscape(join(dir, 'absent.json')), 'landscape file not found or unreadable');
    await writeFile(join(dir, 'bad.json'), '{ nope');
    await expectReleqError(readLandscape(join(dir, 'bad.json')), 'not valid JSON');
  });

  const shared = '/work/shared/data/landscapes/lenet-mnist.json';
  it('reads the shared LeNet landscape (skips without the shared data)', async function () {
    if (!existsSync(shared)) this.skip();
    const l = await readLandscape(shared);
    expect(l.entries).to.have.length(625);
    expect(l.layers.map((x) => x.kind)).to.deep.equal(['conv', 'conv', 'dense', 'dense']);
    expect(l.fullPrecisionAccuracy).to.be.closeTo(0.998, 1e-9);
  });
});
