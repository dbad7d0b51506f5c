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
  description: 'PPO with an LSTM policy carried across layers (the ReLeQ agent), paper defaults',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      clip: num(0.3, 'PPO clip range epsilon', { exclusiveMinimum: 0, maximum: 1 }),
      valueCoef: num(1, 'Weight c1 of the value loss', { minimum: 0 }),
      entropyCoef: num(0.01, 'Weight c2 of the entropy bonus', { minimum: 0 }),
      learningRate: num(1e-4, 'Adam learning rate', { exclusiveMinimum: 0 }),
      gamma: num(0.9, 'Discount factor', { minimum: 0, maximum: 1 }),
      lambda: num(1, 'GAE lambda', { minimum: 0, maximum: 1 }),
      temperature: num(0.5, 'Softmax temperature of the policy', { exclusiveMinimum: 0 }),
      hidden: int(128, 'Units of the trunk (LSTM or MLP)'),
      trunk: { enum: ['lstm', 'mlp'], default: 'lstm', description: 'LSTM carried from layer to layer, or a per-layer MLP' },
      episodesPerUpdate: int(1, 'Sampled episodes collected before each update'),
      epochs: int(1, 'Passes over the collected episodes per update (1 = the paper\'s single gradient step)'),
      minibatches: int(1, 'Minibatches (groups of whole episodes) per pass'),
      normalizeAdvantages: {
        type: 'boolean', default: false,
        description: 'Standardise advantages over each update (only with several episodesPerUpdate: over one episode it erases whether the episode was good)',
      },
      maxGradNorm: num(0, 'Clip the global gradient norm (0 = off)', { minimum: 0 }),
      stepOneHot: {
        type: 'boolean', default: false,
        description: 'Append a one-hot of the step (which searched layer) to the state the network sees (not in the paper)',
      },
      targetEntropy: num(0, 'Entropy floor as a share of ln(actions): below it the entropy weight grows from entropyCoef (0 = off, the paper\'s fixed weight)', { minimum: 0, maximum: 1 }),
    },
  },
  create(options, ctx) {
    return new PpoAgent(options, ctx.rng('agent'));
  },
});
