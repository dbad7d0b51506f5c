import type { RunResults } from './results.js';

/** The table printed at the end of `releq run`. */
export function formatSummary(results: RunResults): string {
  const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : `${(100 * x).toFixed(2)}%`);
  const rows: [string, string][] = [
    ['experiment', `${results.experiment} (run ${results.runId})`],
    ['backend', results.backend === null ? '-' : `${results.backend.name}, ${results.backend.threads} thread(s)`],
    ['network', `${results.problem.network}, ${results.problem.layers.length} layers, full precision ${pct(results.problem.fullPrecisionAccuracy)}`],
    ['best assignment', `[${results.best.bits.join(', ')}]`],
    ['  accuracy', `${pct(results.best.accuracy)} (${pct(results.best.accuracy / results.problem.fullPrecisionAccuracy)} of full precision)`],
    ['  average bits', results.best.averageBits.toFixed(3)],
    ['  reward', results.best.reward.toFixed(4)],
    ['greedy rollout', `[${results.final.bits.join(', ')}] accuracy ${pct(results.final.accuracy)}, average bits ${results.final.averageBits.toFixed(3)}`],
    ['episodes', `${results.search.episodes}${results.search.interrupted ? ' (interrupted)' : ''}`],
    ['evaluations', `${results.search.evaluations} distinct, ${results.search.cacheHits} cache hits; this session's evaluator: ${results.evaluator.recorded} recorded, ${results.evaluator.estimated} estimated, ${results.evaluator.measured} measured`],
    ['wall time', `${results.search.wallSeconds.toFixed(1)} s search (all sessions), ${results.wallSeconds.toFixed(1)} s this session`],
  ];
  if (results.finalReport !== null) {
    const f = results.finalReport;
    rows.push(['final fine-tune', `validation ${pct(f.validationAccuracy)}, test ${pct(f.testAccuracy)}, loss vs full precision ${pct(f.accuracyLoss)}`]);
  }
  for (const h of results.hardware) {
    rows.push([`hardware ${h.target}`, `speedup ${h.speedup.toFixed(2)}x vs 8-bit${h.energyReduction === null ? '' : `, energy ${h.energyReduction.toFixed(2)}x less`}`]);
  }
  rows.push(['run folder', results.runDir]);
  if (results.trackerLocation !== null) rows.push(['tracking', results.trackerLocation]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
