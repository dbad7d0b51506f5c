import { resolve } from 'node:path';
import { Container } from 'inversify';
import { ReleqError } from '../errors.js';
import type { Logger } from '../services/logger.js';
import { Rng } from '../services/rng.js';
import type { ResolvedExperiment } from '../runner/config/resolve.js';
import type { PluginRef } from '../runner/config/types.js';
import type { BackendInfo, HardwareTarget } from './contracts/index.js';
import type { PluginContext, PluginInstances, PluginKind, RunPaths } from './plugin.js';
import type { Registry } from './registry.js';
import { pluginToken, TOKENS } from './tokens.js';

/** Starts the configured tensor backend on first use. */
export interface BackendService {
  ensure(): Promise<BackendInfo>;
}

type SingleKind = Exclude<PluginKind, 'hardware'>;
const SINGLE_KINDS: readonly SingleKind[] = ['network', 'dataset', 'quantizer', 'agent', 'reward', 'evaluator', 'tracker'];

/** The process-wide container: registry and logger. Runs get children of it. */
export function createRootContainer(registry: Registry, logger: Logger): Container {
  const root = new Container();
  root.bind<Registry>(TOKENS.Registry).toConstantValue(registry);
  root.bind<Logger>(TOKENS.Logger).toConstantValue(logger);
  return root;
}

export interface RunServices {
  readonly paths: RunPaths;
  readonly backend: BackendService;
  readonly signal: AbortSignal;
}

/**
 * One child container per run, so two runs in a process never share plugin instances.
 * Each plugin is created once (singleton in the child), lazily, when first asked for.
 */
export function createRunContainer(root: Container, experiment: ResolvedExperiment, services: RunServices): Container {
  const run = new Container({ parent: root });
  const registry = root.get<Registry>(TOKENS.Registry);
  const logger = root.get<Logger>(TOKENS.Logger);
  const { config } = experiment;
  run.bind<ResolvedExperiment>(TOKENS.Experiment).toConstantValue(experiment);
  run.bind<RunPaths>(TOKENS.Paths).toConstantValue(services.paths);
  run.bind<BackendService>(TOKENS.Backend).toConstantValue(services.backend);
  run.bind<AbortSignal>(TOKENS.Signal).toConstantValue(services.signal);

  const context: PluginContext = {
    seed: config.seed,
    rng: (stream) => Rng.stream(config.seed, stream),
    logger,
    paths: services.paths,
    resolvePath: (p) => resolve(services.paths.configDir, p),
    backend: () => services.backend.ensure(),
    use: <K extends SingleKind>(kind: K) => run.getAsync<PluginInstances[K]>(pluginToken(kind)),
    signal: services.signal,
    experiment: config,
  };

  const create = async <K extends PluginKind>(kind: K, ref: PluginRef): Promise<PluginInstances[K]> => {
    const plugin = registry.get(kind, ref.name);
    const { name: _name, ...options }: Record<string, unknown> = ref;
    if (kind === 'agent') delete options['episodes'];
    try {
      return (await plugin.definition.create(options as never, context)) as PluginInstances[K];
    } catch (cause) {
      if (ReleqError.is(cause)) throw cause;
      throw new ReleqError('plugin', `Could not create ${kind} plugin '${ref.name}': ${(cause as Error).message}`, { cause });
    }
  };

  for (const kind of SINGLE_KINDS) {
    const ref = config[kind];
    run.bind<PluginInstances[typeof kind]>(pluginToken(kind)).toDynamicValue(() => {
      if (ref === null) {
        throw new ReleqError('config', `This run needs a ${kind}, but the experiment sets none`, { hint: `add \`${kind}: {name: ...}\`` });
      }
      return create(kind, ref);
    }).inSingletonScope();
  }
  run.bind<HardwareTarget[]>(TOKENS.HardwareTargets)
    .toDynamicValue(() => Promise.all(config.hardware.map((ref) => create('hardware', ref))))
    .inSingletonScope();
  return run;
}
