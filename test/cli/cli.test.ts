import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../helpers/package-root.js';
import { syntheticLandscape } from '../helpers/landscape.js';
import { tempDir } from '../helpers/tmp.js';

const BIN = join(PACKAGE_ROOT, 'bin', 'releq.js');

function releq(args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, MLFLOW_TRACKING_URI: '' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const EXPERIMENT = `name: cli-e2e
seed: 5
backend: cpu
evaluator: {name: landscape, file: land.json}
agent: {name: random, episodes: 30}
search: {bitwidths: [2, 4, 8]}
`;

describe('releq CLI (end to end, compiled)', function () {
  this.timeout(120000);
  before(function () {
    if (!existsSync(join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'main.js'))) this.skip();
  });

  it('--help and list print the commands and every plugin kind', () => {
    const t = tempDir();
    try {
      const help = releq(['--help'], t.dir);
      expect(help.code).to.equal(0);
      for (const c of ['list', 'validate', 'show', 'run']) expect(help.stdout).to.contain(c);
      const list = releq(['list'], t.dir);
      expect(list.code).to.equal(0);
      for (const k of ['network', 'dataset', 'quantizer', 'agent', 'reward', 'evaluator', 'hardware', 'tracker']) {
        expect(list.stdout).to.match(new RegExp(`^${k}$`, 'm'));
      }
      expect(list.stdout).to.contain('landscape');
    } finally {
      t.cleanup();
    }
  });

  it('runs a search, prints the summary and writes the run folder and an MLflow run', () => {
    const t = tempDir({ 'exp.yaml': EXPERIMENT, 'land.json': JSON.stringify(syntheticLandscape()) });
    try {
      const r = releq(['run', 'exp.yaml', '--no-progress'], t.dir);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.contain('best assignment');
      expect(r.stdout).to.contain('episodes         30');
      expect(r.stderr).to.contain('backend: cpu');
      const runs = readdirSync(join(t.dir, 'runs'));
      expect(runs).to.have.length(1);
      const results = JSON.parse(readFileSync(join(t.dir, 'runs', runs[0]!, 'results.json'), 'utf8')) as { search: { episodes: number }; best: { bits: number[] } };
      expect(results.search.episodes).to.equal(30);
      expect(results.best.bits).to.have.length(3);
      const experiments = readdirSync(join(t.dir, 'mlruns')).filter((d) => /^\d+$/.test(d) && d !== '0');
      expect(experiments).to.have.length(1);
      // The same command again finds the finished run and reprints it instead of searching again.
      const again = releq(['run', 'exp.yaml', '--no-progress'], t.dir);
      expect(again.code).to.equal(0);
      expect(again.stdout).to.contain('already ran to the end');
    } finally {
      t.cleanup();
    }
  });

  it('costs every evaluated assignment and the final one on hardware targets, with a hardware-aware reward', () => {
    const hw = `${EXPERIMENT}hardware: [stripes, {name: bit-serial-cpu, timing: false}]\ncostEveryEvaluation: true\nreward: {name: releq, quantizationTerm: hardware}\n`;
    const t = tempDir({ 'exp.yaml': hw, 'land.json': JSON.stringify(syntheticLandscape()) });
    try {
      const r = releq(['run', 'exp.yaml', '--no-progress', '--set', 'agent.episodes=10'], t.dir);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/hardware stripes\s+speedup \d+\.\d\dx vs 8-bit, energy \d+\.\d\dx less/);
      expect(r.stdout).to.match(/hardware bit-serial-cpu\s+speedup \d+\.\d\dx vs 8-bit/);
      const exp = readdirSync(join(t.dir, 'mlruns')).find((d) => /^\d+$/.test(d) && d !== '0')!;
      const run = readdirSync(join(t.dir, 'mlruns', exp)).find((d) => d !== 'meta.yaml')!;
      const lines = readFileSync(join(t.dir, 'mlruns', exp, run, 'metrics', 'hardware.stripes.speedup'), 'utf8').trim().split('\n');
      expect(lines.length).to.equal(11); // 10 episodes and the greedy rollout
    } finally {
      t.cleanup();
    }
  });

  it('rejects a bad experiment with exit code 2, no stack trace and nothing written', () => {
    const t = tempDir({ 'exp.yaml': EXPERIMENT.replace('episodes: 30', 'episodez: 30'), 'land.json': '{}' });
    try {
      const r = releq(['run', 'exp.yaml'], t.dir);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain("exp.yaml:5:23 agent.episodez: unknown key (did you mean 'episodes'?)");
      expect(r.stderr).to.not.match(/\n\s+at /);
      expect(existsSync(join(t.dir, 'runs'))).to.equal(false);
      expect(existsSync(join(t.dir, 'mlruns'))).to.equal(false);
    } finally {
      t.cleanup();
    }
  });

  it('validate and show accept overrides', () => {
    const t = tempDir({ 'exp.yaml': EXPERIMENT, 'land.json': '{}' });
    try {
      expect(releq(['validate', 'exp.yaml'], t.dir).stdout).to.contain('valid');
      const show = releq(['show', 'exp.yaml', '--set', 'agent.episodes=50'], t.dir);
      expect(show.code).to.equal(0);
      expect(show.stdout).to.match(/agent:\n {2}name: random\n {2}episodes: 50/);
      const bad = releq(['show', 'exp.yaml', '--set', 'agent.episodes=x'], t.dir);
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.contain('--set agent.episodes=x agent.episodes: must be integer');
    } finally {
      t.cleanup();
    }
  });
});
