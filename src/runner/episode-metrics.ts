import type { MetricPoint } from '../registry/contracts/index.js';
import type { LayerInfo } from '../registry/contracts/index.js';
import type { EpisodeRecord } from '../search/index.js';

/** Turns one episode into tracker metric points, stepped by episode number. */
export function episodeMetrics(record: EpisodeRecord, layers: readonly LayerInfo[], timestamp: number): MetricPoint[] {
  const step = record.episode;
  const point = (key: string, value: number): MetricPoint => ({ key, value, step, timestamp });
  const points: MetricPoint[] = [
    point('reward', record.reward),
    point('episode_return', record.episodeReturn),
    point('state_quantization', record.stateQuantization),
    point('state_accuracy', record.stateAccuracy),
    point('accuracy', record.accuracy),
    point('average_bits', record.averageBits),
    point('evaluations', record.evaluations),
    point('cache_hits', record.cacheHits),
    point('best_reward', record.bestReward),
    point('greedy', record.mode === 'greedy' ? 1 : 0),
  ];
  record.bits.forEach((b, i) => points.push(point(`bits.${metricName(layers[i]?.name ?? `layer${i}`)}`, b)));
  // Probabilities of the last decision only: one series per action keeps the metric count bounded.
  const last = record.probabilities[record.probabilities.length - 1];
  last?.forEach((p, a) => points.push(point(`action_prob.${a}`, p)));
  for (const [k, v] of Object.entries(record.agentStats)) points.push(point(`agent.${metricName(k)}`, v));
  return points;
}

/** MLflow keys allow alphanumerics, `_ - . / ` and space. */
function metricName(name: string): string {
  return name.replace(/[^A-Za-z0-9_\-./ ]/g, '_');
}
