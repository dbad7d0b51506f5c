import { definePlugin } from '../../src/registry/plugin.js';
import { PpoAgent, type PpoOptions } from '../../src/search/ppo/ppo-agent.js';

export type { PpoOptions };

const num = (def: number, description: string, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ type: 'number', default: def, description, ...extra });
const int = (def: number, description: string): Record<string, unknown> =>
  ({ type: 'integer', minimum: 1, default: def, description });

export const ppoAgentPlugin = definePlugin<'agent', PpoOptions>({
  kind: 'agent',
  name: 'ppo',
  description: 'PPO with an LSTM policy carried across layers (the ReLeQ agent); paper defaults except batching, lr, gradient clipping and an entropy floor (docs/search.md)',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      clip: num(0.3, 'PPO clip range epsilon', { exclusiveMinimum: 0, maximum: 1 }),
      valueCoef: num(1, 'Weight c1 of the value loss', { minimum: 0 }),
      entropyCoef: num(0.01, 'Weight c2 of the entropy bonus (paper 0.01); the floor of the adaptive weight when targetEntropy > 0', { minimum: 0 }),
      learningRate: num(1e-3, 'Adam learning rate (paper 1e-4 with one step per episode; batches of 8 give 0.5 steps per episode, and with the entropy floor a faster rate no longer locks the policy onto one assignment)', { exclusiveMinimum: 0 }),
      gamma: num(0.9, 'Discount factor', { minimum: 0, maximum: 1 }),
      lambda: num(1, 'GAE lambda', { minimum: 0, maximum: 1 }),
      temperature: num(0.5, 'Softmax temperature of the policy', { exclusiveMinimum: 0 }),
      hidden: int(128, 'Units of the trunk (LSTM or MLP)'),
      trunk: { enum: ['lstm', 'mlp'], default: 'lstm', description: 'LSTM carried from layer to layer, or a per-layer MLP' },
      episodesPerUpdate: int(8, 'Sampled episodes collected before each update (paper 1: with one per-episode reward the sign of every advantage hangs on a lagging critic)'),
      epochs: int(4, 'Passes over the collected episodes per update (paper 1, a single gradient step; several passes are PPO practice, the clip bounds them)'),
      minibatches: int(1, 'Minibatches (groups of whole episodes) per pass'),
      normalizeAdvantages: {
        type: 'boolean', default: true,
        description: 'Standardise advantages over each update, a per-batch baseline (paper: off). Only with several episodesPerUpdate: over one episode it erases whether the episode was good',
      },
      maxGradNorm: num(0.5, 'Clip the global gradient norm (0 = off, the paper); 0.5 is the usual PPO safeguard against one large step', { minimum: 0 }),
      targetEntropy: num(0.5, 'Entropy floor as a share of ln(actions): below it the entropy weight grows from entropyCoef, above it decays back (0 = off, the paper\'s fixed weight). Without it the policy collapses onto one assignment, which then yields only cache hits', { minimum: 0, maximum: 1 }),
    },
  },
  create(options, ctx) {
    return new PpoAgent(options, ctx.rng('agent'));
  },
});
