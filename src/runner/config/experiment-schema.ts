import type { SchemaObject } from '../../registry/ajv.js';

/** A plugin reference before its plugin's own schema checks the options beside `name`. */
const pluginRef = (description: string, defaultName?: string): SchemaObject => ({
  type: 'object',
  description,
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, description: 'Registered plugin name (see `releq list`).' } },
  ...(defaultName === undefined ? {} : { default: { name: defaultName } }),
});

const nullablePluginRef = (description: string): SchemaObject => ({
  anyOf: [{ type: 'null' }, pluginRef(description)],
  default: null,
  description,
});

/** The experiment file's own keys; each plugin's options are checked by that plugin's schema. */
export const EXPERIMENT_SCHEMA: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['evaluator', 'agent'],
  properties: {
    name: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'Experiment name (MLflow experiment, run folder). Defaults to the file name.' },
    seed: { type: 'integer', minimum: 0, default: 0, description: 'The one seed every random choice derives from.' },
    extends: {
      description: 'Experiment file(s) this one builds on, relative to this file; later files and this file win.',
      anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    },
    plugins: { type: 'array', items: { type: 'string', releqPath: true }, default: [], description: 'User plugin modules (.js), relative to this file.' },
    backend: { enum: ['auto', 'tensorflow', 'tensorflow-gpu', 'wasm', 'cpu'], default: 'auto', description: 'Tensor backend: auto = native TensorFlow when it loads, else wasm.' },
    workers: { anyOf: [{ type: 'integer', minimum: 1 }, { const: 'auto' }], default: 'auto', description: 'Worker threads for evaluations; auto = core count.' },
    dataDir: { type: ['string', 'null'], releqPath: true, default: null, description: 'Data sets folder (else --data-dir, $RELEQ_DATA_DIR, ~/.cache/releq/data).' },
    cacheDir: { type: ['string', 'null'], releqPath: true, default: null, description: 'Checkpoints and caches (else --cache-dir, $RELEQ_CACHE_DIR, ./.releq-cache).' },
    runsDir: { type: 'string', releqPath: true, default: 'runs', description: 'Folder holding one folder per run.' },
    network: nullablePluginRef('The network whose layers are quantized.'),
    dataset: nullablePluginRef('The data set the network trains and is scored on.'),
    quantizer: nullablePluginRef('Weight quantizer (wrpn, dorefa).'),
    evaluator: pluginRef('How the accuracy of one bitwidth assignment is measured.'),
    agent: pluginRef('The search agent; `episodes` is the search budget every agent takes.'),
    reward: pluginRef('Reward of an episode.', 'releq'),
    hardware: {
      type: 'array',
      items: pluginRef('A hardware target that costs the chosen assignment.'),
      default: [],
      description: 'Hardware targets for speedup/energy against 8-bit.',
    },
    costEveryEvaluation: { type: 'boolean', default: false, description: 'Cost every evaluated assignment on the hardware targets, not only the final one.' },
    tracker: pluginRef('Where runs are logged.', 'mlflow'),
    search: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'The MDP design (the paper\'s ablation axes) and the search budget.',
      properties: {
        bitwidths: {
          type: 'array', items: { type: 'integer', minimum: 1, maximum: 8 }, minItems: 2, uniqueItems: true,
          default: [2, 3, 4, 5, 8], description: 'Bitwidth choices, ascending.',
        },
        actions: { enum: ['flexible', 'restricted'], default: 'flexible', description: 'flexible: pick a bitwidth; restricted: down/keep/up the list.' },
        state: {
          type: 'object', additionalProperties: false, default: {},
          properties: {
            features: { enum: [7, 8], default: 8, description: '8 with State_Accuracy, 7 without.' },
            quantization: { enum: ['mean', 'weighted'], default: 'mean', description: 'State_Quantization as a plain or parameter-weighted mean.' },
          },
        },
        rewardTiming: { enum: ['step', 'episode'], default: 'episode', description: 'Evaluate after every layer or once per episode.' },
        startBits: { type: 'integer', minimum: 1, maximum: 8, default: 8, description: 'Bitwidth every layer starts an episode with.' },
        fixedLayers: {
          anyOf: [{ enum: ['default', 'none'] }, { type: 'array', items: { type: 'integer', minimum: 0 }, uniqueItems: true }],
          default: 'default', description: 'Layers kept at fixedBits: the network\'s default, none, or indices.',
        },
        fixedBits: { type: 'integer', minimum: 1, maximum: 32, default: 8, description: 'Bitwidth of fixed layers.' },
        maxEvaluations: { type: ['integer', 'null'], minimum: 1, default: null, description: 'Stop after this many distinct evaluations.' },
        maxSeconds: { type: ['number', 'null'], exclusiveMinimum: 0, default: null, description: 'Stop after this many seconds of search.' },
        finalGreedyEpisodes: { type: 'integer', minimum: 0, default: 1, description: 'Deterministic (argmax) rollouts at the end.' },
        checkpointEvery: { type: 'integer', minimum: 0, default: 50, description: 'Checkpoint every N episodes (0: only at the end and on Ctrl-C).' },
        sweeps: { type: 'integer', minimum: 1, default: 1, description: 'Passes over the searched layers per episode (restricted actions move one step per visit).' },
        parallelEpisodes: {
          anyOf: [{ const: 'auto' }, { type: 'integer', minimum: 1 }], default: 'auto',
          description: 'Sampled episodes evaluated at once (auto: twice the evaluator\'s workers). Does not change the result: agents overlap episodes only where their proposals cannot depend on the pending rewards.',
        },
      },
    },
  },
};

/** Keys whose value is a plugin reference, and the kind it names. */
export const PLUGIN_REF_KEYS = {
  network: 'network', dataset: 'dataset', quantizer: 'quantizer', evaluator: 'evaluator',
  agent: 'agent', reward: 'reward', tracker: 'tracker',
} as const;
