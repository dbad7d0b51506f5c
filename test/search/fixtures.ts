import type { LayerInfo, ProblemDescription } from '../../src/registry/contracts/index.js';
import type { SearchConfig } from '../../src/runner/config/types.js';
import { MemoryLogger } from '../../src/services/logger.js';
import { LandscapeEvaluator } from '../../plugins/evaluators/landscape.js';
import { parseLandscape, type LandscapeFile } from '../../src/search/landscape-file.js';

export function layer(name: string, n: number, c: number, k: number, weightStd: number): LayerInfo {
  const params = k === 0 ? n * c : n * c * k * k;
  return {
    name, kind: k === 0 ? 'dense' : 'conv', outChannels: n, inChannels: c, kernelSize: k, stride: 1,
    inSpatial: 1, outSpatial: 1, macs: params, params, weightStd,
  };
}

export function defaultSearchConfig(over: Partial<SearchConfig> = {}): SearchConfig {
  return {
    bitwidths: [2, 3, 4, 5, 8], actions: 'flexible', state: { features: 8, quantization: 'mean' },
    rewardTiming: 'episode', startBits: 8, fixedLayers: 'none', fixedBits: 8, maxEvaluations: null,
    maxSeconds: null, finalGreedyEpisodes: 1, checkpointEvery: 0, ...over,
  };
}

/**
 * A synthetic complete landscape over `layers` layers and `choices` bitwidths: accuracy falls with
 * a per-layer sensitivity below each layer's "safe" bitwidth, so the optimum is known by design.
 */
export function syntheticLandscapeJson(layers = 3, choices = [2, 3, 4, 5, 8], safe = [4, 3, 5]): Record<string, unknown> {
  const entries: Array<{ bits: number[]; accuracy: number }> = [];
  const walk = (prefix: number[]): void => {
    if (prefix.length === layers) {
      let acc = 90;
      prefix.forEach((b, i) => { if (b < safe[i % safe.length]!) acc -= 25 * (safe[i % safe.length]! - b); });
      entries.push({ bits: prefix, accuracy: Math.max(10, acc) });
      return;
    }
    for (const b of choices) walk([...prefix, b]);
  };
  walk([]);
  return {
    name: 'synthetic', layers: Array.from({ length: layers }, (_, i) => `l${i}`),
    layerTable: Array.from({ length: layers }, (_, i) => ({ name: `l${i}`, n: 8 * (i + 1), c: 4 * (i + 1), k: i < 2 ? 3 : 0, weightStd: 0.1 })),
    fullPrecisionAccuracy: 90, bitwidthChoices: choices, complete: true, entries,
  };
}

export function syntheticLandscape(layers = 3, safe = [4, 3, 5]): LandscapeFile {
  return parseLandscape(syntheticLandscapeJson(layers, [2, 3, 4, 5, 8], safe), 'synthetic.json');
}

export async function syntheticProblem(layers = 3, safe = [4, 3, 5]): Promise<{ evaluator: LandscapeEvaluator; problem: ProblemDescription; logger: MemoryLogger }> {
  const logger = new MemoryLogger();
  const evaluator = new LandscapeEvaluator(syntheticLandscape(layers, safe), 'nearest', logger);
  return { evaluator, problem: await evaluator.prepare(), logger };
}
