import { definePlugin } from '../../src/registry/plugin.js';
import { ReleqError } from '../../src/errors.js';
import { readLandscape, type AccuracyUnit, type LandscapeFile } from '../../src/search/landscape-file.js';
import type { Logger } from '../../src/services/logger.js';
import type {
  Bitwidths, Evaluation, Evaluator, EvaluatorStats, ProblemDescription,
} from '../../src/registry/contracts/index.js';

export interface LandscapeOptions {
  readonly file: string;
  readonly missing: 'nearest' | 'error';
  readonly accuracyUnit: AccuracyUnit;
}

/**
 * Position of a bitwidth on the choice list; a bitwidth that is not a choice (e.g. 6 or 32) gets a
 * fractional position between its neighbours, clamped to the ends, so distances stay "steps".
 */
function ladderPosition(choices: readonly number[], b: number): number {
  const exact = choices.indexOf(b);
  if (exact >= 0) return exact;
  if (b <= choices[0]!) return 0;
  const last = choices.length - 1;
  if (b >= choices[last]!) return last;
  let i = 0;
  while (choices[i + 1]! < b) i++;
  return i + (b - choices[i]!) / (choices[i + 1]! - choices[i]!);
}

/** Answers accuracies from a recorded landscape; never trains. */
export class LandscapeEvaluator implements Evaluator {
  private readonly recorded = new Map<string, number>();
  private readonly answered = new Map<string, Evaluation>();
  private positions: number[][] = [];
  private counts = { recorded: 0, estimated: 0, cacheHits: 0 };

  constructor(
    private readonly landscape: LandscapeFile,
    private readonly missing: 'nearest' | 'error',
    private readonly logger: Logger,
  ) {
    for (const e of landscape.entries) this.recorded.set(e.bits.join(','), e.accuracy);
    this.positions = landscape.entries.map((e) => e.bits.map((b) => ladderPosition(landscape.bitwidthChoices, b)));
  }

  async prepare(): Promise<ProblemDescription> {
    return {
      network: this.landscape.name,
      layers: this.landscape.layers,
      fullPrecisionAccuracy: this.landscape.fullPrecisionAccuracy,
      fixedLayers: [],
      fixedBits: 8,
      bitwidthChoices: this.landscape.bitwidthChoices,
    };
  }

  async evaluate(bits: Bitwidths): Promise<Evaluation> {
    const L = this.landscape.layers.length;
    if (bits.length !== L) {
      throw new ReleqError('config', `landscape ${this.landscape.name} has ${L} layers but the assignment [${bits.join(', ')}] has ${bits.length}`, {
        hint: 'The search must use the layer table the landscape evaluator reports.',
      });
    }
    const key = bits.join(',');
    const known = this.answered.get(key);
    if (known) {
      this.counts.cacheHits++;
      return known;
    }
    const accuracy = this.recorded.get(key);
    let answer: Evaluation;
    if (accuracy !== undefined) {
      answer = { accuracy, origin: 'recorded', seconds: 0 };
      this.counts.recorded++;
    } else if (this.missing === 'error') {
      throw new ReleqError('data', `landscape ${this.landscape.name} has no recorded accuracy for the assignment [${bits.join(', ')}]`, {
        hint: `Recorded bitwidths are [${this.landscape.bitwidthChoices.join(', ')}]; set the evaluator option missing: nearest to estimate absent assignments, or restrict search.bitwidths to the recorded choices.`,
      });
    } else {
      answer = { accuracy: this.nearest(bits), origin: 'estimated', seconds: 0 };
      this.counts.estimated++;
      if (this.counts.estimated === 1) {
        this.logger.warn(`landscape ${this.landscape.name}: some assignments are not recorded; their accuracy is estimated from the nearest recorded ones and counted separately (stats().estimated)`);
      }
      this.logger.debug(`landscape estimate for [${key}]: ${answer.accuracy.toFixed(4)}`);
    }
    this.answered.set(key, answer);
    return answer;
  }

  /** Mean accuracy of the recorded assignments at the smallest L1 distance in ladder steps. */
  private nearest(bits: Bitwidths): number {
    const choices = this.landscape.bitwidthChoices;
    const target = bits.map((b) => ladderPosition(choices, b));
    let best = Infinity, sum = 0, count = 0;
    this.positions.forEach((pos, i) => {
      let d = 0;
      for (let j = 0; j < pos.length; j++) d += Math.abs(pos[j]! - target[j]!);
      if (d < best - 1e-9) {
        best = d; sum = 0; count = 0;
      }
      if (Math.abs(d - best) <= 1e-9) {
        sum += this.landscape.entries[i]!.accuracy;
        count++;
      }
    });
    return sum / count;
  }

  stats(): EvaluatorStats {
    const { recorded, estimated, cacheHits } = this.counts;
    return { distinct: recorded + estimated, recorded, estimated, measured: 0, cacheHits };
  }

  async dispose(): Promise<void> {
    this.answered.clear();
  }
}

export const landscapePlugin = definePlugin<'evaluator', LandscapeOptions>({
  kind: 'evaluator',
  name: 'landscape',
  description: 'Replays a recorded accuracy landscape (JSON) instead of training: instant, for agents, tests and ablations',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['file'],
    properties: {
      file: { type: 'string', minLength: 1, description: 'Landscape JSON file (relative to the experiment file\'s folder)' },
      missing: {
        enum: ['nearest', 'error'],
        default: 'nearest',
        description: 'For an assignment the file lacks: estimate from the nearest recorded ones (distance in steps along the bitwidth list), or fail',
      },
      accuracyUnit: {
        enum: ['auto', 'percent', 'fraction'],
        default: 'auto',
        description: 'Unit of the accuracies in the file; auto = percent when fullPrecisionAccuracy > 1',
      },
    },
  },
  async create(options, ctx) {
    const landscape = await readLandscape(ctx.resolvePath(options.file), options.accuracyUnit);
    return new LandscapeEvaluator(landscape, options.missing, ctx.logger);
  },
});
