import { expect } from 'chai';
import { ReleqError } from '../../src/errors.js';
import { resolveExperiment } from '../../src/runner/config/resolve.js';
import { tempDir } from '../helpers/tmp.js';
import { testRegistry } from '../helpers/test-registry.js';

const BASE = `name: base
seed: 3
evaluator: {name: landscape, file: data/land.json}
agent: {name: ppo, episodes: 20, clip: 0.2}
search:
  bitwidths: [2, 4, 8]
`;

async function failure(files: Record<string, string>, main: string, overrides: string[] = []): Promise<ReleqError> {
  const t = tempDir(files);
  try {
    await resolveExperiment(t.path(main), overrides, testRegistry());
  } catch (e) {
    if (ReleqError.is(e)) return e;
    throw e;
  } finally {
    t.cleanup();
  }
  throw new Error('expected the experiment to be rejected');
}

describe('experiment loading', () => {
  it('fills defaults for top-level keys, search and plugin options', async () => {
    const t = tempDir({ 'x.yaml': 'evaluator: {name: landscape, file: l.json}\nagent: random\n' });
    try {
      const { config, hash } = await resolveExperiment(t.path('x.yaml'), [], testRegistry());
      expect(config.name).to.equal('x');
      expect(config.seed).to.equal(0);
      expect(config.agent).to.deep.equal({ name: 'random', episodes: 1000 });
      expect(config.reward).to.deep.equal({ name: 'releq', a: 0.8 });
      expect(config.evaluator['missing']).to.equal('nearest');
      expect(config.search.bitwidths).to.deep.equal([2, 3, 4, 5, 8]);
      expect(config.search.state).to.deep.equal({ features: 8, quantization: 'mean' });
      expect(hash).to.match(/^[0-9a-f]{12}$/);
    } finally {
      t.cleanup();
    }
  });

  it('merges extends deeply (maps merge, lists replace) and resolves paths against the file that wrote them', async () => {
    const t = tempDir({
      'base/base.yaml': BASE,
      'exp/child.yaml': 'extends: ../base/base.yaml\nname: child\nagent: {clip: 0.5}\nsearch: {bitwidths: [3, 5]}\n',
    });
    try {
      const { config } = await resolveExperiment(t.path('exp/child.yaml'), [], testRegistry());
      expect(config.name).to.equal('child');
      expect(config.seed).to.equal(3);
      expect(config.agent).to.deep.equal({ name: 'ppo', episodes: 20, clip: 0.5 });
      expect(config.search.bitwidths).to.deep.equal([3, 5]);
      expect(config.evaluator['file']).to.equal(t.path('base/data/land.json'));
    } finally {
      t.cleanup();
    }
  });

  it('replaces a plugin map whose name changes instead of merging the old options into it', async () => {
    const t = tempDir({ 'base.yaml': BASE, 'child.yaml': 'extends: base.yaml\nagent: {name: random}\n' });
    try {
      const { config } = await resolveExperiment(t.path('child.yaml'), [], testRegistry());
      expect(config.agent).to.deep.equal({ name: 'random', episodes: 1000 });
    } finally {
      t.cleanup();
    }
  });

  it('applies typed --set overrides: numbers, booleans, lists, and plugin shorthands', async () => {
    const t = tempDir({ 'x.yaml': 'evaluator: {name: landscape, file: l.json}\nagent: random\n' });
    try {
      const { config } = await resolveExperiment(t.path('x.yaml'), [
        'agent.episodes=50', 'search.bitwidths=[2,8]', 'costEveryEvaluation=true', 'search.state.features=7',
      ], testRegistry());
      expect(config.agent.episodes).to.equal(50);
      expect(config.search.bitwidths).to.deep.equal([2, 8]);
      expect(config.costEveryEvaluation).to.equal(true);
      expect(config.search.state.features).to.equal(7);
    } finally {
      t.cleanup();
    }
  });

  it('gives the same hash for the same config and a different one when the search changes', async () => {
    const t = tempDir({ 'x.yaml': BASE });
    try {
      const a = await resolveExperiment(t.path('x.yaml'), [], testRegistry());
      const b = await resolveExperiment(t.path('x.yaml'), ['name=renamed'], testRegistry());
      const c = await resolveExperiment(t.path('x.yaml'), ['seed=4'], testRegistry());
      // Neither worker count nor episodes in flight change the result, so a run resumes across them.
      const d = await resolveExperiment(t.path('x.yaml'), ['workers=1', 'search.parallelEpisodes=3'], testRegistry());
      const e = await resolveExperiment(t.path('x.yaml'), ['search.maxEvaluations=7'], testRegistry());
      expect(b.hash).to.equal(a.hash);
      expect(d.hash).to.equal(a.hash);
      expect(c.hash).to.not.equal(a.hash);
      expect(e.hash).to.not.equal(a.hash);
    } finally {
      t.cleanup();
    }
  });
});

interface BadCase {
  readonly name: string;
  readonly files: Record<string, string>;
  readonly overrides?: string[];
  /** Fragments the message must contain. */
  readonly expect: string[];
  readonly kind?: string;
}

const BAD: readonly BadCase[] = [
  { name: 'YAML syntax error with line and column', files: { 'x.yaml': 'agent: {name: ppo\nseed: 1\n' }, expect: ['x.yaml:'] },
  { name: 'duplicate keys', files: { 'x.yaml': 'seed: 1\nseed: 2\n' }, expect: ['x.yaml:2:1', 'unique'] },
  { name: 'a custom tag that would construct an object', files: { 'x.yaml': 'seed: !!js/function "function(){}"\n' }, expect: ['x.yaml:1:7', 'tag'] },
  {
    name: 'alias expansion bomb',
    files: { 'x.yaml': `a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n` },
    expect: ['alias'],
  },
  { name: 'misspelt top-level key', files: { 'x.yaml': `${BASE}sead: 4\n` }, expect: ['x.yaml:7:1 sead: unknown key', "did you mean 'seed'"] },
  { name: 'misspelt plugin name', files: { 'x.yaml': BASE.replace('name: ppo', 'name: ppp') }, expect: ['x.yaml:4:', 'agent.name', "unknown agent plugin 'ppp'", "did you mean 'ppo'"] },
  { name: 'misspelt plugin option', files: { 'x.yaml': BASE.replace('clip: 0.2', 'clipp: 0.2') }, expect: ['agent.clipp: unknown key', "did you mean 'clip'"] },
  { name: 'option out of range', files: { 'x.yaml': BASE.replace('clip: 0.2', 'clip: 3') }, expect: ['x.yaml:4:', 'agent.clip: must be <= 1 (got 3)'] },
  { name: 'wrong type', files: { 'x.yaml': BASE.replace('seed: 3', 'seed: three') }, expect: ['x.yaml:2:1 seed: must be integer (got "three")'] },
  { name: 'enum with suggestion', files: { 'x.yaml': `${BASE}  actions: flexibel\n` }, expect: ['search.actions: must be one of', "did you mean 'flexible'"] },
  { name: 'missing required section', files: { 'x.yaml': 'agent: random\n' }, expect: ['evaluator: is required but missing'] },
  { name: 'missing required plugin option', files: { 'x.yaml': 'evaluator: landscape\nagent: random\n' }, expect: ['evaluator.file: is required but missing'] },
  { name: 'a plugin that needs another kind', files: { 'x.yaml': 'evaluator: needs-network\nagent: random\n' }, expect: ["network: is required by evaluator plugin 'needs-network'"] },
  { name: 'bitwidths out of order (rule)', files: { 'x.yaml': BASE.replace('[2, 4, 8]', '[4, 2, 8]') }, expect: ['search.bitwidths: must be in ascending order', '[2,4,8]'] },
  { name: 'bad override value reported at --set', files: { 'x.yaml': BASE }, overrides: ['agent.episodes=many'], expect: ['--set agent.episodes=many agent.episodes: must be integer'] },
  { name: 'override without =', files: { 'x.yaml': BASE }, overrides: ['agent.episodes'], expect: ['expected key.path=value'], kind: 'usage' },
  { name: 'missing file', files: {}, expect: ['Cannot open experiment file', 'no such file'] },
  { name: 'extends cycle', files: { 'x.yaml': 'extends: y.yaml\n', 'y.yaml': 'extends: x.yaml\n' }, expect: ["'extends' forms a cycle"] },
  { name: 'top level not a map', files: { 'x.yaml': '- a\n- b\n' }, expect: ['top level must be a mapping'] },
];

describe('experiment errors', () => {
  for (const c of BAD) {
    it(c.name, async () => {
      const e = await failure(c.files, 'x.yaml', c.overrides);
      expect(e.kind).to.equal(c.kind ?? 'config');
      for (const fragment of c.expect) expect(e.message).to.contain(fragment);
    });
  }

  it('reports every problem at once', async () => {
    const e = await failure({ 'x.yaml': BASE.replace('seed: 3', 'seed: -1').replace('clip: 0.2', 'clipp: 1') }, 'x.yaml');
    expect(e.message).to.contain('(2 problems)');
    expect(e.message).to.contain('seed: must be >= 0');
    expect(e.message).to.contain('agent.clipp: unknown key');
  });
});
