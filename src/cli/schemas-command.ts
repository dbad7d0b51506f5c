import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { createBuiltinRegistry } from '../../plugins/index.js';
import { PLUGIN_KINDS } from '../registry/plugin.js';
import { buildEditorSchema } from '../runner/config/editor-schema.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { projectRoot } from '../util/project-root.js';

/** The committed schemas folder of the package. */
export const SCHEMAS_DIR = join(projectRoot(), 'schemas');

/** Every generated schema file, by path relative to the schemas folder. */
export function generatedSchemas(): Map<string, string> {
  const registry = createBuiltinRegistry();
  const files = new Map<string, string>();
  files.set('experiment.schema.json', `${JSON.stringify(buildEditorSchema(registry), null, 2)}\n`);
  for (const kind of PLUGIN_KINDS) {
    for (const p of registry.list(kind)) {
      const schema = { $schema: 'http://json-schema.org/draft-07/schema#', title: `${kind} ${p.definition.name}`, description: p.definition.description, ...p.schema };
      files.set(`plugins/${kind}/${p.definition.name}.schema.json`, `${JSON.stringify(schema, null, 2)}\n`);
    }
  }
  return files;
}

/** `releq schemas`: writes the experiment schema and one options schema per plugin. */
export function registerSchemasCommand(program: Command, out: (text: string) => void): void {
  program.command('schemas')
    .description('write the experiment JSON Schema and each plugin\'s options schema (for editors)')
    .option('--out <dir>', 'folder to write into', SCHEMAS_DIR)
    .action((opts: { out: string }) => {
      const dir = resolve(opts.out);
      const pluginsDir = join(dir, 'plugins');
      if (existsSync(pluginsDir) && readdirSync(pluginsDir).length > 0) rmSync(pluginsDir, { recursive: true });
      const files = generatedSchemas();
      for (const [rel, text] of files) writeFileAtomic(join(dir, rel), text);
      out(`wrote ${files.size} schema files to ${dir}\n`);
    });
}
