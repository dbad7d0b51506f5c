import type { TrainConfig } from './train-loop.js';

type Defaults = Omit<TrainConfig, 'epochs'> & { epochs: number | null };

/** JSON Schema of a TrainConfig with the given defaults (fine-tune, pretraining and final stages differ). */
export function trainConfigSchema(defaults: Defaults, description: string, epochsDescription: string): Record<string, unknown> {
  return {
    type: 'object',
    description,
    additionalProperties: false,
    default: {},
    properties: {
      epochs: {
        type: defaults.epochs === null ? ['number', 'null'] : 'number', minimum: 0, default: defaults.epochs,
        description: epochsDescription,
      },
      steps: { type: ['integer', 'null'], minimum: 0, default: defaults.steps, description: 'Exact number of minibatch steps; overrides epochs when set.' },
      batchSize: { type: 'integer', minimum: 1, default: defaults.batchSize, description: 'Minibatch size.' },
      learningRate: { type: 'number', exclusiveMinimum: 0, default: defaults.learningRate, description: 'Learning rate (peak, with the cosine schedule).' },
      optimizer: { enum: ['sgd', 'adam'], default: defaults.optimizer, description: 'sgd = SGD with momentum (the paper); adam.' },
      momentum: { type: 'number', minimum: 0, maximum: 1, default: defaults.momentum, description: 'SGD momentum.' },
      weightDecay: { type: 'number', minimum: 0, default: defaults.weightDecay, description: 'L2 weight decay (the paper: 1e-4).' },
      schedule: { enum: ['constant', 'cosine'], default: defaults.schedule, description: 'Learning-rate schedule over the run.' },
    },
  };
}
