import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { parse as parseYamlValue } from 'yaml';
import { ReleqError } from '../../errors.js';
import { isPlainObject } from '../../util/json.js';
import { SourceMap, type KeyPath } from './source-map.js';
import { readYamlFile } from './yaml-file.js';

export interface ComposedConfig {
  readonly value: Record<string, unknown>;
  readonly sources: SourceMap;
  /** Every file read, the experiment itself last. */
  readonly files: readonly string[];
}

/** Path as shown in messages: relative to the working directory when that is shorter. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/**
 * Loads an experiment file and the files it `extends`, merged: later files win, maps merge deeply,
 * lists are replaced, and a plugin map that names another plugin replaces the old one whole.
 */
export function composeFile(file: string, chain: readonly string[] = []): ComposedConfig {
  const abs = resolve(file);
  const shown = displayPath(abs);
  if (chain.includes(abs)) {
    throw new ReleqError('config', `${shown}: 'extends' forms a cycle: ${[...chain, abs].map(displayPath).join(' -> ')}`, {
      hint: 'remove one of the extends entries',
    });
  }
  const parsed = readYamlFile(abs, shown, dirname(abs));
  if (parsed.value === null || parsed.value === undefined) {
    throw new ReleqError('config', `${shown} is empty`, { hint: 'an experiment needs at least `evaluator` and `agent`' });
  }
  if (!isPlainObject(parsed.value)) {
    throw new ReleqError('config', `${shown}: the top level must be a mapping of keys, found ${Array.isArray(parsed.value) ? 'a list' : typeof parsed.value}`, {
      hint: 'write `key: value` lines at the top level',
    });
  }
  const own = parsed.value;
  const parents = own['extends'];
  let names: string[] = [];
  if (typeof parents === 'string') names = [parents];
  else if (Array.isArray(parents) && parents.every((p) => typeof p === 'string')) names = parents as string[];
  else if (parents !== undefined) {
    const loc = parsed.sources.find(['extends']);
    throw new ReleqError('config', `${loc?.file ?? shown}:${loc?.line ?? 1}:${loc?.col ?? 1} extends: must be a file path or a list of file paths`, {
      hint: 'for example `extends: ../base.yaml`',
    });
  }
  let value: Record<string, unknown> = {};
  const sources = new SourceMap();
  const files: string[] = [];
  for (const name of names) {
    const base = composeFile(resolve(dirname(abs), name), [...chain, abs]);
    value = mergeInto(value, base.value, sources, base.sources, []);
    files.push(...base.files.filter((f) => !files.includes(f)));
  }
  const { extends: _ignored, ...rest } = own;
  value = mergeInto(value, rest, sources, parsed.sources, []);
  files.push(abs);
  return { value, sources, files };
}

/** Deep merge of `over` into `base` (maps merge, everything else replaces), tracking sources. */
function mergeInto(
  base: Record<string, unknown>, over: Record<string, unknown>,
  sources: SourceMap, overSources: SourceMap, path: KeyPath,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const p = [...path, k];
    const old = out[k];
    // A plugin map whose `name` changes is replaced: the old plugin's options mean nothing to the new one.
    const renamed = isPlainObject(old) && isPlainObject(v) && typeof v['name'] === 'string' && old['name'] !== undefined && old['name'] !== v['name'];
    if (isPlainObject(old) && isPlainObject(v) && !renamed) {
      const loc = overSources.find(p);
      if (loc !== undefined) sources.set(p, loc);
      out[k] = mergeInto(old, v, sources, overSources, p);
    } else {
      sources.clearBelow(p);
      copySources(overSources, sources, p, v);
      out[k] = v;
    }
  }
  return out;
}

function copySources(from: SourceMap, to: SourceMap, path: KeyPath, value: unknown): void {
  const loc = from.find(path);
  if (loc !== undefined) to.set(path, loc);
  if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) copySources(from, to, [...path, k], v);
  else if (Array.isArray(value)) value.forEach((v, i) => copySources(from, to, [...path, i], v));
}

/**
 * Applies `--set a.b=c` overrides. Values are read as YAML scalars or flow collections, so
 * `3` is a number, `true` a boolean, `[2,4,8]` a list and `{name: ppo}` a map.
 */
export function applyOverrides(config: ComposedConfig, overrides: readonly string[]): ComposedConfig {
  let value = config.value;
  for (const text of overrides) {
    const eq = text.indexOf('=');
    if (eq <= 0) {
      throw new ReleqError('usage', `--set ${text}: expected key.path=value`, { hint: 'for example --set agent.episodes=50' });
    }
    const path = text.slice(0, eq).split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    if (path.some((s) => s === '')) {
      throw new ReleqError('usage', `--set ${text}: empty segment in the key path`, { hint: 'for example --set search.state.features=7' });
    }
    let parsed: unknown;
    try {
      parsed = parseYamlValue(text.slice(eq + 1), { schema: 'core', uniqueKeys: true, maxAliasCount: 0 });
    } catch (cause) {
      throw new ReleqError('usage', `--set ${text}: cannot read the value: ${(cause as Error).message.split('\n')[0]}`, {
        hint: 'quote strings that contain YAML punctuation', cause,
      });
    }
    value = setPath(value, path, parsed, text);
    config.sources.clearBelow(path);
    config.sources.set(path, { file: `--set ${text}`, dir: process.cwd() });
  }
  return { value, sources: config.sources, files: config.files };
}

function setPath(root: Record<string, unknown>, path: KeyPath, v: unknown, text: string): Record<string, unknown> {
  const out = structuredClone(root);
  let node: Record<string, unknown> | unknown[] = out;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    const next: unknown = (node as Record<string | number, unknown>)[seg];
    if (isPlainObject(next) || Array.isArray(next)) {
      node = next;
    } else if (next === undefined || next === null) {
      const created: Record<string, unknown> = {};
      (node as Record<string | number, unknown>)[seg] = created;
      node = created;
    } else if (typeof next === 'string' && path[i + 1] !== undefined) {
      // `agent: random` shorthand: `--set agent.episodes=5` turns it into a map.
      const created: Record<string, unknown> = { name: next };
      (node as Record<string | number, unknown>)[seg] = created;
      node = created;
    } else {
      throw new ReleqError('usage', `--set ${text}: '${path.slice(0, i + 1).join('.')}' is a ${typeof next}, not a map`, {
        hint: 'set the whole value instead',
      });
    }
  }
  (node as Record<string | number, unknown>)[path[path.length - 1]!] = v;
  return out;
}
