import type { SchemaObject } from '../../registry/ajv.js';
import type { PluginKind } from '../../registry/plugin.js';
import type { Registry } from '../../registry/registry.js';
import { EXPERIMENT_SCHEMA, PLUGIN_REF_KEYS } from './experiment-schema.js';

/**
 * The experiment schema with one branch per registered plugin, so editors complete and check
 * plugin options (`# yaml-language-server: $schema=...`). Generated; a test keeps the file current.
 */
export function buildEditorSchema(registry: Registry): SchemaObject {
  const schema = structuredClone(EXPERIMENT_SCHEMA) as { properties: Record<string, SchemaObject> } & SchemaObject;
  for (const [key, kind] of Object.entries(PLUGIN_REF_KEYS)) {
    const ref = refSchema(registry, kind);
    const old = schema.properties[key]!;
    schema.properties[key] = 'anyOf' in old
      ? { ...old, anyOf: [{ type: 'null' }, ref] }
      : { ...ref, description: old['description'], ...(old['default'] === undefined ? {} : { default: old['default'] }) };
  }
  schema.properties['hardware'] = { ...schema.properties['hardware'], items: refSchema(registry, 'hardware') };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/releq/releq/schemas/experiment.schema.json',
    title: 'releq experiment',
    ...schema,
  };
}

function refSchema(registry: Registry, kind: PluginKind): SchemaObject {
  const plugins = registry.list(kind);
  return {
    anyOf: [
      { type: 'string', enum: plugins.map((p) => p.definition.name), description: `${kind} plugin name (all options at their defaults)` },
      {
        type: 'object',
        required: ['name'],
        properties: { name: { enum: plugins.map((p) => p.definition.name), description: `registered ${kind} plugin` } },
        allOf: plugins.map((p) => ({
          if: { properties: { name: { const: p.definition.name } } },
          then: {
            description: p.definition.description,
            properties: { name: {}, ...((p.schema['properties'] ?? {}) as Record<string, SchemaObject>) },
            ...(p.schema['required'] === undefined ? {} : { required: p.schema['required'] }),
            additionalProperties: p.definition.optionsSchema['additionalProperties'] ?? false,
          },
        })),
      },
    ],
  };
}
