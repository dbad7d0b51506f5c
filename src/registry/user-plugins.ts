import { pathToFileURL } from 'node:url';
import { ReleqError } from '../errors.js';
import { isPlainObject } from '../util/json.js';
import { PLUGIN_KINDS, type AnyPluginDefinition } from './plugin.js';
import type { Registry } from './registry.js';

/**
 * Loads user plugin modules named explicitly in an experiment (`plugins: [./my-reward.js]`).
 * A module exports `default` (one definition or a list) or `plugins` (a list).
 */
export async function loadUserPlugins(registry: Registry, paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    } catch (cause) {
      throw new ReleqError('plugin', `Cannot load plugin module ${path}: ${(cause as Error).message}`, {
        hint: 'the path must name a JavaScript module (.js/.mjs) that exists', cause,
      });
    }
    const exported = mod['default'] ?? mod['plugins'];
    const list = Array.isArray(exported) ? exported : [exported];
    if (exported === undefined || list.length === 0) {
      throw new ReleqError('plugin', `Plugin module ${path} exports no plugin`, {
        hint: 'export default definePlugin({kind, name, description, optionsSchema, create})',
      });
    }
    for (const def of list) {
      if (!isDefinition(def)) {
        throw new ReleqError('plugin', `Plugin module ${path} exports something that is not a plugin definition`, {
          hint: `a definition has kind (${PLUGIN_KINDS.join('|')}), name, description, optionsSchema and create()`,
        });
      }
      registry.register(def, path);
    }
  }
}

function isDefinition(value: unknown): value is AnyPluginDefinition {
  return isPlainObject(value) && typeof value['kind'] === 'string' && typeof value['name'] === 'string'
    && typeof value['create'] === 'function' && isPlainObject(value['optionsSchema'])
    && typeof value['description'] === 'string';
}
