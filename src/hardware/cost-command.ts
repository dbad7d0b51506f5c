import { resolve } from 'node:path';
import { ReleqError } from '../errors.js';
import { createAjv } from '../registry/ajv.js';
import type { CostReport, HardwareTarget, LayerPrecision } from '../registry/contracts/hardware.js';
import type { LayerInfo } from '../registry/contracts/layer-table.js';
import type { Network, Quantizer } from '../registry/contracts/index.js';
import type { AnyPluginDefinition, PluginContext } from '../registry/plugin.js';
import { ConsoleLogger } from '../services/logger.js';
import { Rng } from '../services/rng.js';
import { closest } from '../util/did-you-mean.js';
import { formatCostTable } from './cost-table.js';

export type TargetSpec = string | { readonly name: string; readonly [option: string]: unknown };

export interface CostCommandOptions {
  /** Network plugin name (plugins/networks), e.g. resnet20. */
  readonly network: string;
  readonly networkOptions?: Readonly<Record<string, unknown>>;
  /** Weight bits per layer: "8,2,2,..." or a list; one value applies to every layer. 32 = not quantized. */
  readonly bits: string | readonly number[];
  /** Activation bits: one value for all layers or one per layer (default 8). */
  readonly activationBits?: number | readonly number[];
  /** Hardware targets by name or {name, ...options}; default bit-serial-cpu, stripes, loom, bitfusion. */
  readonly targets?: readonly TargetSpec[];
  /** Folder for the kernel's timing cache (default .releq-cache under the working folder). */
  readonly cacheDir?: string;
  readonly seed?: number;
  /** The caller's plugin context (the CLI's); a minimal one is made when absent. */
  readonly context?: PluginContext;
}

export interface CostCommandResult {
  /** The printable per-layer table. */
  readonly text: string;
  readonly layers: readonly LayerInfo[];
  readonly precision: readonly LayerPrecision[];
  readonly reports: readonly CostReport[];
}

export const DEFAULT_COST_TARGETS: readonly string[] = ['bit-serial-cpu', 'stripes', 'loom', 'bitfusion'];

/** "8,2,2" -> [8, 2, 2], broadcast a single value to `count` layers, and check the range. */
export function parseBits(bits: string | readonly number[] | number, count: number, what: string, names: readonly string[]): number[] {
  const list = typeof bits === 'number' ? [bits]
    : typeof bits === 'string' ? bits.split(',').map((s) => Number(s.trim())) : [...bits];
  const bad = list.find((b) => !Number.isInteger(b) || b < 1 || b > 32);
  if (bad !== undefined || list.length === 0) {
    throw new ReleqError('usage', `${what}: ${JSON.stringify(bits)} is not a list of integers in 1..32`, {
      hint: 'write bits as a comma-separated list such as 8,2,2,4 (32 = not quantized)',
    });
  }
  if (list.length === 1) return Array.from({ length: count }, () => list[0]!);
  if (list.length !== count) {
    throw new ReleqError('usage', `${what}: ${list.length} values for ${count} layers`, {
      hint: `give one value per layer, in this order: ${names.join(', ')}`,
    });
  }
  return list;
}

function minimalContext(cacheDir: string, seed: number): PluginContext {
  const cwd = process.cwd();
  return {
    seed,
    rng: (stream) => Rng.stream(seed, stream),
    logger: new ConsoleLogger('warn'),
    paths: { configDir: cwd, dataDir: resolve(cwd, 'data'), cacheDir, runDir: cwd },
    resolvePath: (p) => resolve(cwd, p),
    backend: () => Promise.reject(new ReleqError('backend', 'releq cost does not start a tensor backend')),
    use: (kind) => Promise.reject(new ReleqError('plugin', `releq cost has no ${kind} plugin instance`)),
    signal: new AbortController().signal,
  };
}

async function instantiate<T>(defs: readonly AnyPluginDefinition[], kind: string, spec: TargetSpec, ctx: PluginContext): Promise<T> {
  const { name, ...raw } = typeof spec === 'string' ? { name: spec } : spec;
  const def = defs.find((d) => d.name === name);
  if (def === undefined) {
    const names = defs.map((d) => d.name);
    const near = closest(name, names);
    throw new ReleqError('usage', `unknown ${kind} '${name}'${near === undefined ? '' : ` (did you mean '${near}'?)`}`, {
      hint: `${kind}s: ${names.join(', ')}`,
    });
  }
  const options: Record<string, unknown> = structuredClone(raw);
  const validate = createAjv().compile(def.optionsSchema);
  if (!validate(options)) {
    const why = (validate.errors ?? []).map((e) => `${e.instancePath || '(options)'} ${e.message ?? ''}`).join('; ');
    throw new ReleqError('usage', `${kind} '${name}': invalid options: ${why}`);
  }
  return (await def.create(options as never, ctx)) as T;
}

/** The network's layer table, built through its plugin with an identity quantizer (no forward pass runs). */
export async function networkLayerTable(
  name: string, options: Readonly<Record<string, unknown>>, ctx: PluginContext,
): Promise<LayerInfo[]> {
  const { networkPlugins } = await import('../../plugins/networks/index.js');
  const network = await instantiate<Network>(networkPlugins, 'network', { name, ...options }, ctx);
  const identity: Quantizer = { name: 'identity', quantizeWeights: (w) => w, quantizeActivations: (x) => x };
  const model = network.build({ quantizer: identity, seed: ctx.seed, activationBits: null });
  try {
    return model.layerTable();
  } finally {
    model.dispose();
  }
}

/**
 * `releq cost --network resnet20 --bits 8,2,2,...`: costs one assignment on each target and
 * returns the printable per-layer table (and the reports behind it).
 */
export async function costCommand(o: CostCommandOptions): Promise<CostCommandResult> {
  const seed = o.seed ?? 1;
  const ctx = o.context ?? minimalContext(resolve(o.cacheDir ?? '.releq-cache'), seed);
  const layers = await networkLayerTable(o.network, o.networkOptions ?? {}, ctx);
  const names = layers.map((l) => l.name);
  const w = parseBits(o.bits, layers.length, '--bits', names);
  const a = parseBits(o.activationBits ?? 8, layers.length, '--activation-bits', names);
  const precision = w.map((weightBits, i) => ({ weightBits, activationBits: a[i]! }));
  const { hardwarePlugins } = await import('../../plugins/hardware/index.js');
  const reports: CostReport[] = [];
  for (const spec of o.targets ?? DEFAULT_COST_TARGETS) {
    const target = await instantiate<HardwareTarget>(hardwarePlugins, 'hardware target', spec, ctx);
    try {
      reports.push(await target.cost(layers, precision));
    } finally {
      await target.dispose?.();
    }
  }
  const header = `network ${o.network}: ${layers.length} layers; bits w/a per layer; ratios against every layer at 8/8`;
  return { text: `${header}\n${formatCostTable(reports, layers, precision)}`, layers, precision, reports };
}
