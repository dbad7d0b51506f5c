import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_PLUGINS, createBuiltinRegistry } from '../../plugins/index.js';
import { createAjv } from '../../src/registry/ajv.js';
import { PLUGIN_KINDS } from '../../src/registry/plugin.js';
import { canonicalJson } from '../../src/util/json.js';
import { generatedSchemas } from '../../src/cli/schemas-command.js';
import { resolveExperiment } from '../../src/runner/config/resolve.js';
import { PACKAGE_ROOT } from '../helpers/package-root.js';

describe('built-in plugins', () => {
  it('register without clashes and cover every kind', () => {
    const registry = createBuiltinRegistry();
    for (const kind of PLUGIN_KINDS) expect(registry.names(kind), kind).to.not.be.empty;
  });

  for (const def of BUILTIN_PLUGINS) {
    it(`${def.kind} '${def.name}' has a description, a strict schema and defaults that round-trip`, () => {
      expect(def.description.length).to.be.greaterThan(5);
      expect(def.optionsSchema['type']).to.equal('object');
      const props = (def.optionsSchema['properties'] ?? {}) as Record<string, Record<string, unknown>>;
      for (const [key, prop] of Object.entries(props)) expect(prop['description'], `${def.name}.${key} description`).to.be.a('string');
      const required = (def.optionsSchema['required'] ?? []) as string[];
      if (required.length > 0) return; // options without defaults cannot be filled from nothing
      const validate = createAjv().compile(def.optionsSchema);
      const filled: Record<string, unknown> = {};
      expect(validate(filled), JSON.stringify(validate.errors)).to.equal(true);
      const again = structuredClone(filled);
      expect(validate(again)).to.equal(true);
      expect(canonicalJson(again)).to.equal(canonicalJson(filled));
    });
  }

  it('the committed schemas/ files are current (run `npx releq schemas` after changing a plugin schema)', () => {
    for (const [rel, text] of generatedSchemas()) {
      const path = join(PACKAGE_ROOT, 'schemas', rel);
      expect(existsSync(path) && readFileSync(path, 'utf8') === text, `schemas/${rel} is missing or stale`).to.equal(true);
    }
  });

  it('every experiment file in experiments/ validates', async () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (e.name.endsWith('.yaml')) files.push(join(dir, e.name));
      }
    };
    walk(join(PACKAGE_ROOT, 'experiments'));
    expect(files).to.not.be.empty;
    for (const f of files) await resolveExperiment(f, [], createBuiltinRegistry());
  });
});
