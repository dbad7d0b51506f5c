import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../services/rng.js';
import type {
  Agent, AgentDecision, AgentSetup, AgentSnapshot, EpisodeFeedback, EpisodeMode, StepObservation,
} from '../../registry/contracts/index.js';
import { Adam } from './adam.js';
import { checkSnapshotAgent } from '../snapshot-kind.js';
import { gae } from './gae.js';
import { PolicyNetwork, type TrunkKind, type TrunkState } from './policy-network.js';
import { ppoLoss } from './ppo-loss.js';

export interface PpoOptions {
  readonly clip: number;
  readonly valueCoef: number;
  readonly entropyCoef: number;
  readonly learningRate: number;
  readonly gamma: number;
  readonly lambda: number;
  readonly temperature: number;
  readonly hidden: number;
  readonly trunk: TrunkKind;
  readonly episodesPerUpdate: number;
  readonly epochs: number;
  readonly minibatches: number;
  readonly normalizeAdvantages: boolean;
  /** Clip the global gradient norm to this value (0 = no clipping). */
  readonly maxGradNorm: number;
  /**
   * Entropy floor as a share of the uniform policy's entropy ln(actions) (0 = off: entropyCoef stays
   * fixed). When the mean per-step entropy of an update falls below it, the entropy weight grows
   * (dual ascent on log c2, as in SAC's automatic temperature), and it shrinks back towards
   * entropyCoef above it. Optional in code (0) for callers written before it existed.
   */
  readonly targetEntropy?: number;
}

/** An episode being acted or awaiting its rewards: its mode, LSTM state and what it did. */
interface OpenEpisode {
  readonly mode: EpisodeMode;
  state: TrunkState | null;
  readonly features: number[][];
  readonly actions: number[];
  readonly logProbs: number[];
  readonly values: number[];
}

interface Trajectory {
  features: number[][];
  actions: number[];
  logProbs: number[];
  advantages: number[];
  returns: number[];
}

/**
 * PPO with an LSTM (or MLP) actor-critic. The LSTM state is carried from layer to layer while
 * acting and the same recurrence is unrolled when learning. Learning happens after every
 * `episodesPerUpdate` sampled episodes; greedy (argmax) episodes never train. The episodes of one
 * update batch all act with the same policy, so they may be open at once (canOverlap).
 */
export class PpoAgent implements Agent {
  private net: PolicyNetwork | null = null;
  private adam: Adam | null = null;
  private names = new Map<string, string>();
  private readonly open = new Map<number, OpenEpisode>();
  private buffer: Trajectory[] = [];
  private updates = 0;
  /** Current entropy weight c2 (entropyCoef unless the entropy floor adapted it). */
  private entropyCoef: number;
  private actionCount = 1;

  constructor(readonly options: PpoOptions, private readonly rng: Rng) {
    this.entropyCoef = options.entropyCoef;
  }

  async begin(setup: AgentSetup): Promise<void> {
    this.dispose();
    const o = this.options;
    this.actionCount = setup.actionSpace.size;
    this.entropyCoef = o.entropyCoef;
    this.net = new PolicyNetwork({
      featureCount: setup.featureCount, actionCount: setup.actionSpace.size, hidden: o.hidden, trunk: o.trunk,
      temperature: o.temperature,
    }, this.rng);
    this.names = new Map([...this.net.variables].map(([name, v]) => [v.name, name]));
    this.adam = new Adam(this.net.variables, { learningRate: o.learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
  }

  private network(): PolicyNetwork {
    if (!this.net) throw new Error('PpoAgent.begin() must run before the agent acts');
    return this.net;
  }

  startEpisode(mode: EpisodeMode, episode: number): void {
    this.close(episode);
    this.open.set(episode, { mode, state: this.network().initialState(1), features: [], actions: [], logProbs: [], values: [] });
  }

  /** Sampled episodes that end before the next update act with the current policy: they may overlap. */
  canOverlap(open: number): boolean {
    return this.buffer.length + open < this.options.episodesPerUpdate;
  }

  act(observation: StepObservation): AgentDecision {
    const net = this.network();
    const current = this.open.get(observation.episode);
    if (current === undefined) throw new Error(`PpoAgent.act: episode ${observation.episode} was not started`);
    const previous = current.state ?? net.initialState(1);
    const features = Array.from(observation.features);
    const out = tf.tidy(() => {
      const r = net.step(tf.tensor2d(features, [1, features.length]), previous);
      return { logProbs: r.logProbs, values: r.values, c: r.state.c, h: r.state.h };
    });
    const logProbs = Array.from(out.logProbs.dataSync());
    const value = out.values.dataSync()[0]!;
    out.logProbs.dispose();
    out.values.dispose();
    if (out.c !== previous.c) previous.c.dispose();
    if (out.h !== previous.h) previous.h.dispose();
    current.state = { c: out.c, h: out.h };
    const probabilities = logProbs.map(Math.exp);
    const action = current.mode === 'greedy' ? argmax(logProbs) : this.rng.categorical(probabilities);
    current.features.push(features);
    current.actions.push(action);
    current.logProbs.push(logProbs[action]!);
    current.values.push(value);
    return { action, probabilities, value };
  }

  async endEpisode(feedback: EpisodeFeedback): Promise<Readonly<Record<string, number>>> {
    const episode = this.open.get(feedback.episode);
    if (episode === undefined) throw new Error(`PpoAgent.endEpisode: episode ${feedback.episode} was not started`);
    this.close(feedback.episode);
    if (episode.mode === 'greedy') return {};
    if (feedback.rewards.length !== episode.actions.length) {
      throw new Error(`PpoAgent got ${feedback.rewards.length} rewards for ${episode.actions.length} steps`);
    }
    const { advantages, returns } = gae(feedback.rewards, episode.values, this.options.gamma, this.options.lambda);
    this.buffer.push({ features: episode.features, actions: episode.actions, logProbs: episode.logProbs, advantages, returns });
    if (this.buffer.length < this.options.episodesPerUpdate) return {};
    const stats = this.update(this.buffer);
    this.buffer = [];
    return stats;
  }

  /** `epochs` passes over the buffered episodes, each split into `minibatches` groups of episodes. */
  private update(episodes: Trajectory[]): Record<string, number> {
    const o = this.options;
    const net = this.network();
    const adam = this.adam!;
    let advantages = episodes.map((e) => e.advantages);
    const raw = advantages.flat();
    // Diagnostics: the share of positive raw advantages shows a lagging baseline (all positive
    // means every sampled action is reinforced, whatever it was).
    const diagnostics = {
      advantageMean: raw.reduce((s, a) => s + a, 0) / raw.length,
      positiveAdvantages: raw.filter((a) => a > 0).length / raw.length,
    };
    if (o.normalizeAdvantages) {
      const mean = diagnostics.advantageMean;
      const std = Math.sqrt(raw.reduce((s, a) => s + (a - mean) ** 2, 0) / raw.length);
      advantages = advantages.map((as) => as.map((a) => (a - mean) / (std + 1e-8)));
    }
    const totals = { policyLoss: 0, valueLoss: 0, entropy: 0, approxKl: 0, clipFraction: 0 };
    let steps = 0;
    const groups = Math.min(o.minibatches, episodes.length);
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const order = this.rng.shuffle(episodes.map((_, i) => i));
      for (let g = 0; g < groups; g++) {
        const idx = order.filter((_, k) => k % groups === g);
        const parts = this.gradientStep(net, adam, idx.map((i) => episodes[i]!), idx.map((i) => advantages[i]!));
        for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += parts[key];
        steps++;
      }
    }
    this.updates++;
    const mean = Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, v / steps]));
    const used = this.entropyCoef;
    this.adaptEntropy(totals.entropy / steps);
    return { ...mean, ...diagnostics, entropyCoef: used, updates: this.updates };
  }

  /**
   * Entropy floor: log c2 += rate * (target - H) / ln(A), c2 kept in [entropyCoef, 1]. A policy that
   * collapses onto one assignment stops producing new evaluations (repeats are cache hits), so the
   * floor keeps sampling the neighbourhood of its mode instead.
   */
  private adaptEntropy(entropy: number): void {
    const share = this.options.targetEntropy ?? 0;
    if (share <= 0 || this.actionCount < 2) return;
    const max = Math.log(this.actionCount);
    const next = this.entropyCoef * Math.exp(ENTROPY_RATE * (share * max - entropy) / max);
    this.entropyCoef = Math.min(1, Math.max(this.options.entropyCoef, next));
  }

  private gradientStep(net: PolicyNetwork, adam: Adam, batch: Trajectory[], advantages: number[][]): Record<string, number> {
    const o = this.options;
    const T = batch[0]!.actions.length;
    const F = batch[0]!.features[0]!.length;
    let kept: tf.Scalar[] = [];
    tf.tidy(() => {
      const x = tf.tensor3d(batch.flatMap((e) => e.features.flat()), [batch.length, T, F]);
      const actions = tf.tensor1d(batch.flatMap((e) => e.actions), 'float32');
      const oldLogProbs = tf.tensor1d(batch.flatMap((e) => e.logProbs));
      const adv = tf.tensor1d(advantages.flat());
      const returns = tf.tensor1d(batch.flatMap((e) => e.returns));
      const { grads } = tf.variableGrads(() => {
        const out = net.unroll(x);
        const parts = ppoLoss({ logProbs: out.logProbs, values: out.values, actions, oldLogProbs, advantages: adv, returns }, {
          clip: o.clip, valueCoef: o.valueCoef, entropyCoef: this.entropyCoef,
        });
        kept = [parts.policyLoss, parts.valueLoss, parts.entropy, parts.approxKl, parts.clipFraction].map((t) => tf.keep(t));
        return parts.loss;
      }, net.trainable());
      let scale = 1;
      if (o.maxGradNorm > 0) {
        const norm = Math.sqrt(Object.values(grads).reduce((s, g) => s + tf.sum(tf.square(g)).dataSync()[0]!, 0));
        if (norm > o.maxGradNorm) scale = o.maxGradNorm / norm;
      }
      const byName: Record<string, tf.Tensor> = {};
      for (const [tfName, g] of Object.entries(grads)) byName[this.names.get(tfName)!] = scale === 1 ? g : tf.mul(g, scale);
      adam.apply(byName);
    });
    const [policyLoss, valueLoss, entropy, approxKl, clipFraction] = kept.map((t) => t.dataSync()[0]!);
    for (const t of kept) t.dispose();
    return { policyLoss: policyLoss!, valueLoss: valueLoss!, entropy: entropy!, approxKl: approxKl!, clipFraction: clipFraction! };
  }

  async save(): Promise<AgentSnapshot> {
    const net = this.network();
    const adam = this.adam!.getState();
    return {
      json: { agent: 'ppo', rng: this.rng.getState(), buffer: this.buffer, updates: this.updates, adamStep: adam.step, entropyCoef: this.entropyCoef },
      arrays: { ...net.getWeights(), ...adam.arrays },
    };
  }

  async load(snapshot: AgentSnapshot): Promise<void> {
    const json = checkSnapshotAgent(snapshot.json, 'ppo') as unknown as { rng: ReturnType<Rng['getState']>; buffer: Trajectory[]; updates: number; adamStep: number; entropyCoef?: number };
    this.network().setWeights(snapshot.arrays);
    this.adam!.setState(json.adamStep, snapshot.arrays);
    this.rng.setState(json.rng);
    this.buffer = json.buffer;
    this.updates = json.updates;
    this.entropyCoef = json.entropyCoef ?? this.options.entropyCoef;
  }

  /** Forgets an open episode and frees its LSTM state. */
  private close(episode: number): void {
    const state = this.open.get(episode)?.state;
    if (state) {
      state.c.dispose();
      if (state.h !== state.c) state.h.dispose();
    }
    this.open.delete(episode);
  }

  dispose(): void {
    for (const episode of [...this.open.keys()]) this.close(episode);
    this.net?.dispose();
    this.adam?.dispose();
    this.net = null;
    this.adam = null;
  }
}

/** Step size of the entropy weight's dual ascent (per update, in log space, per unit of ln A). */
const ENTROPY_RATE = 2;

function argmax(xs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[best]!) best = i;
  return best;
}
