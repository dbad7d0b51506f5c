import { basename, dirname, extname, isAbsolute, resolve as resolvePath } from 'node:path';
import { createAjv, type SchemaObject } from '../../registry/ajv.js';
import type { PluginKind } from '../../registry/plugin.js';
import type { Registry } from '../../registry/registry.js';
import { loadUserPlugins } from '../../registry/user-plugins.js';
import { didYouMean } from '../../util/did-you-mean.js';
import { canonicalJson, isPlainObject, sha256 } from '../../util/json.js';
import { applyOverrides, composeFile, displayPath } from './compose.js';
import { EXPERIMENT_SCHEMA, PLUGIN_REF_KEYS } from './experiment-schema.js';
import { configError, issuesFromAjv, type ConfigIssue } from './issues.js';
import { RULES } from './rules.js';
import type { KeyPath, SourceMap } from './source-map.js';
import type { ExperimentConfig } from './types.js';

export interface ResolvedExperiment {
  readonly config: ExperimentConfig;
  /** The experiment file, absolute. */
  readonly file: string;
  /** Folder of the experiment file. */
  readonly configDir: string;
  readonly sources: SourceMap;
  /** Hash of everything that affects the result (run identity, caches). */
  readonly hash: string;
}

const validateTopLevel = createAjv().compile(EXPERIMENT_SCHEMA);

/**
 * Loads, composes, overrides and validates an experiment in passes (YAML, schema, plugin names,
 * plugin options, rules), reporting every issue at once with its file position.
 */
export async function resolveExperiment(file: string, overrides: readonly string[], registry: Registry): Promise<ResolvedExperiment> {
  const composed = applyOverrides(composeFile(file), overrides);
  const abs = composed.files[composed.files.length - 1]!;
  const shown = displayPath(abs);
  const raw = normaliseRefs(structuredClone(composed.value));
  if (raw['name'] === undefined) raw['name'] = basename(abs, extname(abs));

  // Keep going after schema issues, so plugin options are reported in the same pass.
  const issues: ConfigIssue[] = validateTopLevel(raw) ? [] : issuesFromAjv(validateTopLevel.errors ?? [], []);
  const shapeOk = issues.length === 0;
  // Top-level paths resolve now: user plugins must load before plugin names are checked.
  const resolveAt = (path: KeyPath, value: string): string => {
    if (isAbsolute(value)) return value;
    return resolvePath(composed.sources.find(path)?.dir ?? process.cwd(), value);
  };
  const userPlugins = Array.isArray(raw['plugins']) ? raw['plugins'].filter((p): p is string => typeof p === 'string') : [];
  raw['plugins'] = userPlugins.map((p, i) => resolveAt(['plugins', i], p));
  for (const key of ['dataDir', 'cacheDir', 'runsDir'] as const) {
    if (typeof raw[key] === 'string') raw[key] = resolveAt([key], raw[key] as string);
  }
  await loadUserPlugins(registry, raw['plugins'] as string[]);

  const refs: { path: KeyPath; kind: PluginKind; ref: Record<string, unknown> }[] = [];
  for (const [key, kind] of Object.entries(PLUGIN_REF_KEYS)) {
    if (isPlainObject(raw[key])) refs.push({ path: [key], kind, ref: raw[key] as Record<string, unknown> });
  }
  if (Array.isArray(raw['hardware'])) {
    raw['hardware'].forEach((ref, i) => { if (isPlainObject(ref)) refs.push({ path: ['hardware', i], kind: 'hardware', ref }); });
  }

  for (const { path, kind, ref } of refs) {
    const name = ref['name'];
    if (typeof name !== 'string') continue; // reported by the schema pass
    if (!registry.has(kind, name)) {
      const names = registry.names(kind);
      issues.push({ path: [...path, 'name'], message: `unknown ${kind} plugin '${name}'${didYouMean(name, names)}; registered: ${names.join(', ') || '(none)'}` });
      continue;
    }
    const plugin = registry.get(kind, name);
    const { name: _n, ...options } = ref;
    if (!plugin.validate(options)) {
      issues.push(...issuesFromAjv(plugin.validate.errors ?? [], path));
      continue;
    }
    resolvePathOptions(plugin.schema, options, path, resolveAt);
    Object.assign(ref, options);
    for (const needed of plugin.definition.requires ?? []) {
      if (raw[needed] === null || raw[needed] === undefined) {
        issues.push({ path: [needed], message: `is required by ${kind} plugin '${name}' (set \`${needed}: {name: ...}\`)` });
      }
    }
  }
  const config = raw as unknown as ExperimentConfig;
  if (shapeOk && issues.length === 0) for (const rule of RULES) rule(config, registry, issues);
  if (issues.length > 0) throw configError(issues, composed.sources, shown);
  return { config, file: abs, configDir: dirname(abs), sources: composed.sources, hash: experimentHash(config) };
}

/** `agent: random` and `hardware: [stripes]` are shorthands for `{name: ...}`. */
function normaliseRefs(raw: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(PLUGIN_REF_KEYS)) {
    if (typeof raw[key] === 'string') raw[key] = { name: raw[key] };
  }
  if (Array.isArray(raw['hardware'])) raw['hardware'] = raw['hardware'].map((h) => (typeof h === 'string' ? { name: h } : h));
  return raw;
}

/** Options marked `releqPath: true` in a plugin schema become absolute, against the file that wrote them. */
function resolvePathOptions(
  schema: SchemaObject, options: Record<string, unknown>, path: KeyPath,
  resolveAt: (path: KeyPath, value: string) => string,
): void {
  const props = (schema['properties'] ?? {}) as Record<string, SchemaObject>;
  for (const [key, sub] of Object.entries(props)) {
    const value = options[key];
    if (sub['releqPath'] === true && typeof value === 'string') options[key] = resolveAt([...path, key], value);
    else if (isPlainObject(value) && sub['type'] === 'object') resolvePathOptions(sub, value, [...path, key], resolveAt);
  }
}

/** Keys that change where or how a run is logged, not what it computes. */
const NON_SEMANTIC_KEYS = ['name', 'tracker', 'runsDir', 'workers', 'dataDir', 'cacheDir', 'plugins'] as const;

/** Run identity: hash of the resolved config without the keys that cannot change the result. */
export function experimentHash(config: ExperimentConfig): string {
  const copy: Record<string, unknown> = { ...config };
  for (const k of NON_SEMANTIC_KEYS) delete copy[k];
  // How many episodes are evaluated at once never changes the result (see Agent.canOverlap).
  const search = { ...(copy['search'] as Record<string, unknown> | undefined) };
  delete search['parallelEpisodes'];
  copy['search'] = search;
  return sha256(canonicalJson(copy)).slice(0, 12);
}
