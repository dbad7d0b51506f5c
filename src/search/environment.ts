import { ReleqError } from '../errors.js';
import type { ActionSpace, AgentSetup, Bitwidths, ProblemDescription } from '../registry/contracts/index.js';
import type { SearchConfig } from '../runner/config/types.js';

/**
 * The ReLeQ Markov decision process over one network's layer table: which layers are searched,
 * what the agent sees at each step (the 8- or 7-feature state) and how an action changes the
 * assignment (flexible: pick a bitwidth; restricted: one step down / keep / one step up).
 */
export class QuantizationEnv {
  readonly layerCount: number;
  /** Layer-table indices the agent decides, in step order (repeated once per sweep). */
  readonly stepLayers: readonly number[];
  readonly searched: readonly boolean[];
  readonly bitwidths: readonly number[];
  /** Denominator of the bitwidth features and of State_Quantization (8 in the paper). */
  readonly maxBits: number;
  readonly actionSpace: ActionSpace;
  readonly featureCount: 7 | 8;
  private readonly staticFeatures: ReadonlyArray<readonly [number, number, number, number]>;
  private readonly params: readonly number[];

  constructor(readonly problem: ProblemDescription, readonly config: SearchConfig) {
    const L = problem.layers.length;
    if (L === 0) throw new ReleqError('data', `network ${problem.network} has no quantizable layers`);
    this.layerCount = L;
    this.bitwidths = checkBitwidths(config.bitwidths);
    const fixed = fixedLayerSet(config.fixedLayers, problem, L);
    this.searched = problem.layers.map((_, i) => !fixed.has(i));
    const once = this.searched.flatMap((s, i) => (s ? [i] : []));
    if (once.length === 0) {
      throw new ReleqError('config', 'search.fixedLayers fixes every layer: nothing is left to search', {
        hint: 'Use fixedLayers: none or list fewer layers.',
      });
    }
    const sweeps = config.sweeps ?? 1;
    if (!Number.isInteger(sweeps) || sweeps < 1) {
      throw new ReleqError('config', `search.sweeps must be a positive integer (got ${sweeps})`);
    }
    this.stepLayers = Array.from({ length: sweeps }, () => once).flat();
    this.maxBits = Math.max(...this.bitwidths, config.startBits, fixed.size > 0 ? config.fixedBits : 0);
    this.actionSpace = config.actions === 'flexible'
      ? { kind: 'flexible', size: this.bitwidths.length, bitwidths: this.bitwidths }
      : { kind: 'restricted', size: 3, bitwidths: this.bitwidths };
    this.featureCount = config.state.features;
    const norm = (get: (i: number) => number): number[] => {
      const xs = problem.layers.map((_, i) => get(i));
      const lo = Math.min(...xs), hi = Math.max(...xs);
      return xs.map((x) => (hi > lo ? (x - lo) / (hi - lo) : 0));
    };
    const n = norm((i) => problem.layers[i]!.outChannels);
    const c = norm((i) => (problem.layers[i]!.kind === 'depthwise' ? 1 : problem.layers[i]!.inChannels));
    const k = norm((i) => problem.layers[i]!.kernelSize);
    this.staticFeatures = problem.layers.map((layer, i) => [n[i]!, c[i]!, k[i]!, layer.weightStd] as const);
    this.params = problem.layers.map((l) => Math.max(l.params, 1));
  }

  setup(): AgentSetup {
    return {
      featureCount: this.featureCount,
      actionSpace: this.actionSpace,
      stepsPerEpisode: this.stepLayers.length,
      searchedLayers: this.stepLayers,
    };
  }

  /** Every searched layer at startBits, every fixed one at fixedBits. */
  startBits(): number[] {
    return this.searched.map((s) => (s ? this.config.startBits : this.config.fixedBits));
  }

  /** Sum of bitwidths / (maxBits × L), or weighted by each layer's parameter count. */
  stateQuantization(bits: Bitwidths): number {
    if (this.config.state.quantization === 'weighted') {
      let num = 0, den = 0;
      bits.forEach((b, i) => { num += this.params[i]! * b; den += this.params[i]!; });
      return num / (this.maxBits * den);
    }
    return bits.reduce((s, b) => s + b, 0) / (this.maxBits * this.layerCount);
  }

  averageBits(bits: Bitwidths): number {
    return bits.reduce((s, b) => s + b, 0) / bits.length;
  }

  /**
   * The state of a step: [l/L, bits_l/maxBits, SQ, SA, n, c, k, weightStd] (SA dropped for 7).
   */
  features(layer: number, bits: Bitwidths, stateAccuracy: number): Float32Array {
    const [n, c, k, std] = this.staticFeatures[layer]!;
    const head = [layer / this.layerCount, bits[layer]! / this.maxBits, this.stateQuantization(bits)];
    if (this.featureCount === 8) head.push(stateAccuracy);
    return Float32Array.from([...head, n, c, k, std]);
  }

  /** The assignment after `action` on `layer`. */
  apply(bits: Bitwidths, layer: number, action: number): number[] {
    if (!Number.isInteger(action) || action < 0 || action >= this.actionSpace.size) {
      throw new ReleqError('plugin', `the agent chose action ${action}, outside 0..${this.actionSpace.size - 1}`);
    }
    const next = [...bits];
    if (this.actionSpace.kind === 'flexible') {
      next[layer] = this.bitwidths[action]!;
    } else if (action !== 1) {
      next[layer] = this.step(bits[layer]!, action === 0 ? -1 : 1);
    }
    return next;
  }

  /** Next bitwidth down (-1) or up (+1) the ladder, staying at the ends. */
  private step(b: number, direction: -1 | 1): number {
    const ladder = this.bitwidths;
    if (direction < 0) {
      const lower = ladder.filter((x) => x < b);
      return lower.length > 0 ? lower[lower.length - 1]! : ladder[0]!;
    }
    const higher = ladder.filter((x) => x > b);
    return higher.length > 0 ? higher[0]! : ladder[ladder.length - 1]!;
  }

  /** Key of an assignment in caches and checkpoints. */
  static key(bits: Bitwidths): string {
    return bits.join(',');
  }
}

function checkBitwidths(bitwidths: readonly number[]): number[] {
  if (bitwidths.length === 0) throw new ReleqError('config', 'search.bitwidths must list at least one bitwidth');
  for (let i = 0; i < bitwidths.length; i++) {
    const b = bitwidths[i]!;
    if (!Number.isInteger(b) || b < 1 || b > 32) {
      throw new ReleqError('config', `search.bitwidths[${i}] must be an integer in 1..32 (got ${b})`);
    }
    if (i > 0 && b <= bitwidths[i - 1]!) {
      throw new ReleqError('config', `search.bitwidths must be ascending without repeats (got [${bitwidths.join(', ')}])`, {
        hint: 'Write them sorted, e.g. [2, 3, 4, 5, 8].',
      });
    }
  }
  return [...bitwidths];
}

function fixedLayerSet(choice: SearchConfig['fixedLayers'], problem: ProblemDescription, L: number): Set<number> {
  const list = choice === 'default' ? problem.fixedLayers : choice === 'none' ? [] : choice;
  for (const i of list) {
    if (!Number.isInteger(i) || i < 0 || i >= L) {
      throw new ReleqError('config', `search.fixedLayers names layer ${i}, but ${problem.network} has layers 0..${L - 1}`);
    }
  }
  return new Set(list);
}
