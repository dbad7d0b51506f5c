import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import type { Container } from 'inversify';
import type {
  Bitwidths, CostReport, Evaluator, HardwareTarget, LayerInfo, MetricPoint, TrackerRun,
} from '../registry/contracts/index.js';
import type { PluginInstances, RunPaths } from '../registry/plugin.js';
import { createRunContainer, type BackendService } from '../registry/container.js';
import { pluginToken, TOKENS } from '../registry/tokens.js';
import { runSearch, type SearchResult } from '../search/index.js';
import type { Logger } from '../services/logger.js';
import { Rng } from '../services/rng.js';
import { flattenParams } from '../tracking/flatten-params.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { ResolvedExperiment } from './config/resolve.js';
import { collectEnvironment } from './environment.js';
import { episodeMetrics } from './episode-metrics.js';
import { createProgress } from './progress.js';
import type { HardwareSummary, RunResults } from './results.js';
import { openRunFolder, writeJson, writeState, type RunFolder, type RunPhase } from './run-folder.js';
import { formatSummary } from './summary.js';

export interface RunOptions {
  readonly resume?: string;
  readonly fresh?: boolean;
  readonly dataDir: string;
  readonly cacheDir: string;
  readonly backend: BackendService;
  readonly signal: AbortSignal;
  readonly progress: boolean;
  readonly logger: Logger;
  /** Where the summary goes (stdout in the CLI). */
  readonly print: (text: string) => void;
}

export interface RunOutcome {
  readonly results: RunResults | null;
  readonly folder: RunFolder;
  /** 'completed' when this call found the run already finished and only reprinted it. */
  readonly status: 'finished' | 'interrupted' | 'completed';
}

/** Hardware sees activations at 8 bits: the 8/8-bit baseline that speedups are quoted against. */
const HARDWARE_ACTIVATION_BITS = 8;

/** Stages of a run: open folder → prepare → search → finalize → cost → report. */
export async function runExperiment(root: Container, experiment: ResolvedExperiment, options: RunOptions): Promise<RunOutcome> {
  const started = Date.now();
  const { config } = experiment;
  const folder = openRunFolder(config.runsDir, config.name, experiment.hash, {
    ...(options.resume === undefined ? {} : { resume: options.resume }),
    ...(options.fresh === undefined ? {} : { fresh: options.fresh }),
  });
  if (folder.previous?.phase === 'finished') {
    const results = JSON.parse(readFileSync(join(folder.dir, 'results.json'), 'utf8')) as RunResults;
    options.print(`This configuration already ran to the end in ${folder.dir} (use --fresh to run it again).\n`);
    options.print(`${formatSummary(results)}\n`);
    return { results, folder, status: 'completed' };
  }
  const resuming = folder.previous !== null;
  const paths: RunPaths = { configDir: experiment.configDir, dataDir: options.dataDir, cacheDir: options.cacheDir, runDir: folder.dir };
  writeFileAtomic(join(folder.dir, 'config.yaml'), `# Resolved from ${experiment.file}\n${toYaml(config)}`);

  const run = createRunContainer(root, experiment, { paths, backend: options.backend, signal: options.signal });
  const get = <K extends Exclude<keyof PluginInstances, 'hardware'>>(kind: K): Promise<PluginInstances[K]> => run.getAsync(pluginToken(kind));

  const tracker = await get('tracker');
  const trackerRun = await tracker.startRun({
    experimentName: config.name,
    runName: folder.id,
    tags: { 'releq.config_hash': experiment.hash, 'releq.run_dir': folder.dir, 'mlflow.source.name': experiment.file },
    ...(folder.previous?.trackerRunId ? { resumeRunId: folder.previous.trackerRunId } : {}),
  });
  const state = (phase: RunPhase): void => writeState(folder.dir, {
    phase,
    configHash: experiment.hash,
    trackerRunId: trackerRun.runId,
    startedAt: folder.previous?.startedAt ?? new Date(started).toISOString(),
    updatedAt: new Date().toISOString(),
  });
  state('running');

  let evaluator: Evaluator | null = null;
  try {
    if (!resuming) await trackerRun.logParams(flattenParams(config));
    const backend = await options.backend.ensure();
    options.logger.info(`backend: ${backend.name} (${backend.threads} thread${backend.threads === 1 ? '' : 's'}, tfjs ${backend.tfjsVersion})`);
    await trackerRun.setTags({ 'releq.backend': backend.name, 'releq.backend_threads': String(backend.threads) });
    const environment = collectEnvironment(backend);
    writeJson(folder.dir, 'environment.json', environment);

    // prepare
    evaluator = await get('evaluator');
    const problem = await evaluator.prepare();
    const hardware = await run.getAsync<HardwareTarget[]>(TOKENS.HardwareTargets);
    const costFn = hardware.length === 0 ? undefined : relativeCostFn(hardware[0]!, problem.layers);

    // search
    const agent = await get('agent');
    const reward = await get('reward');
    const progress = createProgress(config.agent.episodes + config.search.finalGreedyEpisodes, 'search', options.progress);
    let pending: MetricPoint[] = [];
    const flush = async (): Promise<void> => {
      if (pending.length > 0) await trackerRun.logMetrics(pending);
      pending = [];
    };
    let search: SearchResult;
    try {
      search = await runSearch({
        problem, evaluator, agent, reward,
        config: config.search,
        episodes: config.agent.episodes,
        rng: Rng.stream(config.seed, 'search'),
        checkpointDir: join(folder.dir, 'search'),
        resume: resuming,
        signal: options.signal,
        logger: options.logger,
        ...(costFn === undefined ? {} : { costFn }),
        onEpisode: async (record) => {
          pending.push(...episodeMetrics(record, problem.layers, Date.now()));
          if (config.costEveryEvaluation) pending.push(...hardwareMetrics(await costAll(hardware, problem.layers, record.bits), record.episode));
          if (pending.length >= 500) await flush();
          progress.update(record.episode, {
            best: record.bestReward.toFixed(3), acc: `${(100 * record.accuracy).toFixed(1)}%`,
            bits: record.averageBits.toFixed(2), evals: String(record.evaluations),
          });
        },
      });
    } finally {
      progress.stop();
      await flush();
    }
    agent.dispose();

    if (search.interrupted) {
      state('killed');
      await trackerRun.end('KILLED');
      const from = search.checkpointEpisode === 0 ? 'the start' : `episode ${search.checkpointEpisode}`;
      const replay = search.checkpointEpisode < search.episodes
        ? ' Episodes after it are replayed; accuracies in the evaluation cache are not measured again.'
        : '';
      options.print(`Interrupted after ${search.episodes} episodes; the checkpoint in ${join(folder.dir, 'search')} resumes from ${from}.${replay}\n`
        + `Continue with the same command, or: releq run ${experiment.file} --resume ${folder.dir}\n`);
      return { results: null, folder, status: 'interrupted' };
    }

    // finalize and cost
    const finalReport = evaluator.finalize === undefined ? null : await evaluator.finalize(search.best.bits);
    const hardwareSummaries = await costAll(hardware, problem.layers, search.best.bits);

    // report
    const results: RunResults = {
      experiment: config.name, runId: folder.id, runDir: folder.dir, configHash: experiment.hash, seed: config.seed,
      backend,
      problem: { network: problem.network, layers: problem.layers.map((l) => l.name), fullPrecisionAccuracy: problem.fullPrecisionAccuracy, fixedLayers: problem.fixedLayers },
      search: { episodes: search.episodes, evaluations: search.evaluations, cacheHits: search.cacheHits, interrupted: false, wallSeconds: search.wallSeconds },
      best: search.best, final: search.final, pareto: search.pareto,
      evaluator: evaluator.stats(),
      finalReport,
      hardware: hardwareSummaries,
      trackerLocation: trackerRun.location,
      wallSeconds: (Date.now() - started) / 1000,
      environment,
    };
    await logResults(trackerRun, results, folder.dir);
    state('finished');
    await trackerRun.end('FINISHED');
    options.print(`${formatSummary(results)}\n`);
    return { results, folder, status: 'finished' };
  } catch (error) {
    state('failed');
    await trackerRun.end(options.signal.aborted ? 'KILLED' : 'FAILED').catch(() => undefined);
    throw error;
  } finally {
    await evaluator?.dispose();
    await Promise.all((await run.getAsync<HardwareTarget[]>(TOKENS.HardwareTargets).catch(() => [])).map((h) => h.dispose?.()));
    await tracker.close();
  }
}

function relativeCostFn(target: HardwareTarget, layers: readonly LayerInfo[]): (bits: Bitwidths) => Promise<number> {
  return async (bits) => {
    const report = await target.cost(layers, precisionOf(bits));
    return report.total.latency / report.baseline.latency;
  };
}

function precisionOf(bits: Bitwidths): { weightBits: number; activationBits: number }[] {
  return bits.map((b) => ({ weightBits: b, activationBits: HARDWARE_ACTIVATION_BITS }));
}

async function costAll(targets: readonly HardwareTarget[], layers: readonly LayerInfo[], bits: Bitwidths): Promise<HardwareSummary[]> {
  const reports: CostReport[] = [];
  for (const target of targets) reports.push(await target.cost(layers, precisionOf(bits)));
  return reports.map((r) => ({
    target: r.target, speedup: r.speedup, energyReduction: r.energyReduction,
    latency: r.total.latency, baselineLatency: r.baseline.latency, units: r.units,
  }));
}

function hardwareMetrics(summaries: readonly HardwareSummary[], step: number): MetricPoint[] {
  const timestamp = Date.now();
  return summaries.flatMap((h) => [
    { key: `hardware.${h.target}.speedup`, value: h.speedup, step, timestamp },
    ...(h.energyReduction === null ? [] : [{ key: `hardware.${h.target}.energy_reduction`, value: h.energyReduction, step, timestamp }]),
  ]);
}

async function logResults(trackerRun: TrackerRun, results: RunResults, dir: string): Promise<void> {
  const resultsPath = writeJson(dir, 'results.json', results);
  const now = Date.now();
  const final = (key: string, value: number | null | undefined): { key: string; value: number; step: number; timestamp: number }[] =>
    value === null || value === undefined ? [] : [{ key, value, step: 0, timestamp: now }];
  await trackerRun.logMetrics([
    ...final('final.accuracy', results.best.accuracy),
    ...final('final.average_bits', results.best.averageBits),
    ...final('final.reward', results.best.reward),
    ...final('final.test_accuracy', results.finalReport?.testAccuracy),
    ...final('final.accuracy_loss', results.finalReport?.accuracyLoss),
    ...final('full_precision_accuracy', results.problem.fullPrecisionAccuracy),
  ]);
  await trackerRun.logMetrics(hardwareMetrics(results.hardware, 0).map((m) => ({ ...m, key: `final.${m.key}` })));
  await trackerRun.setTags({ 'releq.best_bits': results.best.bits.join(',') });
  await trackerRun.logArtifact(resultsPath);
  await trackerRun.logArtifact(join(dir, 'config.yaml'));
}

