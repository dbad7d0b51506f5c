import { ReleqError } from '../errors.js';
import { didYouMean } from '../util/did-you-mean.js';
import { createAjv, type SchemaObject, type ValidateFunction } from './ajv.js';
import { PLUGIN_KINDS, type AnyPluginDefinition, type PluginKind } from './plugin.js';

/** Options every plugin of a kind takes beside its own (the core appends them to the plugin's schema). */
export const SHARED_OPTIONS: Partial<Record<PluginKind, Record<string, SchemaObject>>> = {
  agent: { episodes: { type: 'integer', minimum: 1, default: 1000, description: 'Search episodes (one bitwidth per searched layer each).' } },
};

export interface RegisteredPlugin {
  readonly definition: AnyPluginDefinition;
  /** The plugin's options schema with the kind's shared options appended. */
  readonly schema: SchemaObject;
  /** Validates (and fills defaults of) an options object without `name`. */
  readonly validate: ValidateFunction;
  /** Where it came from: 'built-in' or the user module's path. */
  readonly source: string;
}

/** Plugins by kind and name. Duplicates are an error: two plugins must never answer to one name. */
export class Registry {
  private readonly ajv = createAjv();
  private readonly plugins = new Map<PluginKind, Map<string, RegisteredPlugin>>(
    PLUGIN_KINDS.map((k) => [k, new Map()]),
  );

  register(definition: AnyPluginDefinition, source = 'built-in'): void {
    const byName = this.plugins.get(definition.kind);
    if (byName === undefined) {
      throw new ReleqError('plugin', `Plugin '${definition.name}' from ${source} has unknown kind '${String(definition.kind)}'`, {
        hint: `kind must be one of: ${PLUGIN_KINDS.join(', ')}`,
      });
    }
    const existing = byName.get(definition.name);
    if (existing !== undefined) {
      throw new ReleqError('plugin', `Two ${definition.kind} plugins are named '${definition.name}' (${existing.source} and ${source})`, {
        hint: 'rename one of them',
      });
    }
    const shared = SHARED_OPTIONS[definition.kind];
    const schema: SchemaObject = shared === undefined ? definition.optionsSchema
      : { ...definition.optionsSchema, properties: { ...(definition.optionsSchema['properties'] ?? {}), ...shared } };
    let validate: ValidateFunction;
    try {
      validate = this.ajv.compile(schema);
    } catch (cause) {
      throw new ReleqError('plugin', `The options schema of ${definition.kind} plugin '${definition.name}' (${source}) is invalid: ${(cause as Error).message}`, { cause });
    }
    byName.set(definition.name, { definition, schema, validate, source });
  }

  has(kind: PluginKind, name: string): boolean {
    return this.plugins.get(kind)!.has(name);
  }

  get(kind: PluginKind, name: string): RegisteredPlugin {
    const found = this.plugins.get(kind)!.get(name);
    if (found === undefined) {
      const names = this.names(kind);
      throw new ReleqError('config', `Unknown ${kind} plugin '${name}'${didYouMean(name, names)}`, {
        hint: `registered ${kind} plugins: ${names.join(', ') || '(none)'}`,
      });
    }
    return found;
  }

  names(kind: PluginKind): string[] {
    return [...this.plugins.get(kind)!.keys()].sort();
  }

  list(kind: PluginKind): RegisteredPlugin[] {
    return this.names(kind).map((n) => this.plugins.get(kind)!.get(n)!);
  }
}
