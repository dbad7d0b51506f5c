import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { createBuiltinRegistry } from '../../plugins/index.js';
import { buildEditorSchema } from '../runner/config/editor-schema.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/** The committed schemas folder of the package. */
export const SCHEMAS_DIR = fileURLToPath(new URL('../../../schemas/', import.meta.url));

export function editorSchemaText(): string {
  return `${JSON.stringify(buildEditorSchema(createBuiltinRegistry()), null, 2)}\n`;
}

/** `releq schemas`: writes schemas/experiment.schema.json from the registry. */
export function registerSchemasCommand(program: Command, out: (text: string) => void): void {
  program.command('schemas')
    .description('write the experiment JSON Schema (with every plugin\'s options) for editors')
    .option('--out <dir>', 'folder to write into', SCHEMAS_DIR)
    .action((opts: { out: string }) => {
      const path = join(resolve(opts.out), 'experiment.schema.json');
      writeFileAtomic(path, editorSchemaText());
      out(`wrote ${path}\n`);
    });
}
