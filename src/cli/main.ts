import { Command, CommanderError, Option } from 'commander';
import { stringify as toYaml } from 'yaml';
import { createBuiltinRegistry } from '../../plugins/index.js';
import { ReleqError } from '../errors.js';
import { PLUGIN_KINDS, type PluginKind } from '../registry/plugin.js';
import { createRootContainer } from '../registry/container.js';
import { resolveExperiment } from '../runner/config/resolve.js';
import { resolveCacheDir, resolveDataDir } from '../runner/paths.js';
import { runExperiment } from '../runner/run-experiment.js';
import { releqVersion } from '../runner/environment.js';
import { ConsoleLogger } from '../services/logger.js';
import { lazyBackend } from './backend-service.js';
import { reportError } from './errors.js';
import { registerCostCommand } from './cost-command.js';
import { registerSchemasCommand } from './schemas-command.js';
import { registerTrackingCommand } from './tracking-command.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Entry point of `releq`; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const out = (text: string): void => { process.stdout.write(text); };
  const err = (text: string): void => { process.stderr.write(text); };
  const verbose = argv.includes('--verbose');
  let exitCode = 0;
  const program = new Command('releq')
    .description('Per-layer bitwidths for deep quantization by reinforcement learning (ReLeQ).')
    .version(releqVersion())
    .option('--verbose', 'print stack traces and debug logs')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err })
    .showSuggestionAfterError(true);

  program.command('list')
    .description('list registered plugins by kind')
    .argument('[kind]', `one of: ${PLUGIN_KINDS.join(', ')}`)
    .action((kind?: string) => {
      const registry = createBuiltinRegistry();
      if (kind !== undefined && !PLUGIN_KINDS.includes(kind as PluginKind)) {
        throw new ReleqError('usage', `Unknown plugin kind '${kind}'`, { hint: `use one of: ${PLUGIN_KINDS.join(', ')}` });
      }
      for (const k of kind === undefined ? PLUGIN_KINDS : [kind as PluginKind]) {
        out(`${k}\n`);
        const plugins = registry.list(k);
        const width = Math.max(0, ...plugins.map((p) => p.definition.name.length));
        for (const p of plugins) out(`  ${p.definition.name.padEnd(width)}  ${p.definition.description}\n`);
        if (plugins.length === 0) out('  (none)\n');
      }
    });

  program.command('validate')
    .description('check an experiment file without running it')
    .argument('<experiment>', 'experiment YAML file')
    .option('--set <key=value>', 'override a key (repeatable), e.g. agent.episodes=50', collect, [])
    .action(async (file: string, opts: { set: string[] }) => {
      const resolved = await resolveExperiment(file, opts.set, createBuiltinRegistry());
      out(`${file}: valid (experiment '${resolved.config.name}', config hash ${resolved.hash})\n`);
    });

  program.command('show')
    .description('print the fully resolved experiment (defaults, extends and overrides applied)')
    .argument('<experiment>', 'experiment YAML file')
    .option('--set <key=value>', 'override a key (repeatable)', collect, [])
    .option('--json', 'print JSON instead of YAML')
    .action(async (file: string, opts: { set: string[]; json?: boolean }) => {
      const resolved = await resolveExperiment(file, opts.set, createBuiltinRegistry());
      out(opts.json === true ? `${JSON.stringify(resolved.config, null, 2)}\n` : `# config hash ${resolved.hash}\n${toYaml(resolved.config)}`);
    });

  program.command('run')
    .description('run a search and report the chosen bitwidths')
    .argument('<experiment>', 'experiment YAML file')
    .option('--set <key=value>', 'override a key (repeatable)', collect, [])
    .option('--resume <run>', 'continue an interrupted run (its folder)')
    .option('--fresh', 'start a new run even if this configuration already ran')
    .option('--data-dir <dir>', 'data sets folder (else experiment dataDir, $RELEQ_DATA_DIR, ~/.cache/releq/data)')
    .option('--cache-dir <dir>', 'checkpoints and caches (else experiment cacheDir, $RELEQ_CACHE_DIR, ./.releq-cache)')
    .addOption(new Option('--backend <name>', 'tensor backend').choices(['auto', 'tensorflow', 'tensorflow-gpu', 'wasm', 'cpu']))
    .option('--no-progress', 'no progress bar')
    .action(async (file: string, opts: { set: string[]; resume?: string; fresh?: boolean; dataDir?: string; cacheDir?: string; backend?: string; progress: boolean }) => {
      const overrides = opts.backend === undefined ? opts.set : [...opts.set, `backend=${opts.backend}`];
      const registry = createBuiltinRegistry();
      const resolved = await resolveExperiment(file, overrides, registry);
      const logger = new ConsoleLogger(verbose ? 'debug' : 'info');
      const controller = new AbortController();
      let interrupts = 0;
      const onSigint = (): void => {
        interrupts += 1;
        if (interrupts > 1) process.exit(130);
        err('\nstopping at the next safe point (Ctrl-C again to quit at once)...\n');
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      try {
        const outcome = await runExperiment(createRootContainer(registry, logger), resolved, {
          ...(opts.resume === undefined ? {} : { resume: opts.resume }),
          ...(opts.fresh === undefined ? {} : { fresh: opts.fresh }),
          dataDir: resolveDataDir(resolved.config, opts.dataDir),
          cacheDir: resolveCacheDir(resolved.config, opts.cacheDir),
          backend: lazyBackend(resolved.config.backend),
          signal: controller.signal,
          progress: opts.progress,
          logger,
          print: out,
        });
        if (outcome.status === 'interrupted') exitCode = 130;
      } finally {
        process.off('SIGINT', onSigint);
      }
    });

  registerCostCommand(program, out);
  registerTrackingCommand(program, out);
  registerSchemasCommand(program, out);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    return reportError(error, verbose, err);
  }
}
