import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReleqError } from '../errors.js';
import { createAjv, type ErrorObject } from '../registry/ajv.js';
import type { CostReport } from '../registry/contracts/hardware.js';
import { closest } from '../util/did-you-mean.js';
import { projectRoot } from '../util/project-root.js';
import type { LayerEstimate } from './precision.js';

interface LutEntry {
  readonly latency: number;
  readonly energy?: number;
}

interface LutFile {
  readonly name?: string;
  readonly units: { readonly latency: string; readonly energy?: string | null };
  readonly layers: Record<string, Record<string, LutEntry>>;
}

let validator: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null } | null = null;

function validate(data: unknown): ErrorObject[] {
  if (validator === null) {
    const schemaPath = join(projectRoot(), 'schemas', 'hardware-lut.schema.json');
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
    validator = createAjv().compile(schema);
  }
  return validator(data) ? [] : [...(validator.errors ?? [])];
}

/**
 * A user's latency/energy table (schemas/hardware-lut.schema.json), checked on load; lookups
 * name the file, the layer and the missing (w_bits/a_bits) pair.
 */
export class LutTable {
  private constructor(readonly file: string, private readonly data: LutFile) {}

  static load(file: string): LutTable {
    if (!existsSync(file)) {
      throw new ReleqError('config', `lut: the table ${file} does not exist`, {
        hint: 'set the lut target\'s `file` option to a JSON file that follows schemas/hardware-lut.schema.json',
      });
    }
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ReleqError('config', `lut: ${file} is not valid JSON: ${(err as Error).message}`);
    }
    const errors = validate(data);
    if (errors.length > 0) {
      const lines = errors.map((e) => `  ${e.instancePath === '' ? '(top level)' : e.instancePath}: ${e.message ?? 'invalid'}`);
      throw new ReleqError('config', `lut: ${file} does not follow schemas/hardware-lut.schema.json:\n${lines.join('\n')}`, {
        hint: 'layers.<layer name>."<w bits>/<a bits>" = {latency, energy?}, with units.latency naming the unit',
      });
    }
    const table = new LutTable(file, data as LutFile);
    table.checkEnergy();
    return table;
  }

  get units(): CostReport['units'] {
    return { latency: this.data.units.latency, energy: this.data.units.energy ?? null };
  }

  /** The entry for a layer at w/a bits, or a config error saying exactly what is missing. */
  lookup(layer: string, wBits: number, aBits: number): LayerEstimate {
    const rows = this.data.layers[layer];
    const names = Object.keys(this.data.layers);
    if (rows === undefined) {
      const near = closest(layer, names);
      throw new ReleqError('config', `lut: ${this.file} has no layer "${layer}" (it has: ${names.join(', ')})`, {
        hint: near === undefined
          ? 'add the layer under "layers", named as in the network\'s layer table (see `releq cost`)'
          : `did you mean "${near}"?`,
      });
    }
    const key = `${wBits}/${aBits}`;
    const entry = rows[key];
    if (entry === undefined) {
      throw new ReleqError('config', `lut: ${this.file}: layer "${layer}" has no entry for w_bits/a_bits "${key}" ` +
        `(it has: ${Object.keys(rows).join(', ')})`, {
        hint: `measure layer "${layer}" at ${wBits}-bit weights and ${aBits}-bit activations and add it as "${key}"`,
      });
    }
    return { latency: entry.latency, energy: this.units.energy === null ? null : entry.energy ?? null };
  }

  /** With an energy unit, every entry must have an energy, or totals would silently drop layers. */
  private checkEnergy(): void {
    if ((this.data.units.energy ?? null) === null) return;
    for (const [layer, rows] of Object.entries(this.data.layers)) {
      for (const [key, entry] of Object.entries(rows)) {
        if (entry.energy === undefined) {
          throw new ReleqError('config', `lut: ${this.file}: layer "${layer}" entry "${key}" has no energy`, {
            hint: 'give every entry an energy, or set units.energy to null for a latency-only table',
          });
        }
      }
    }
  }
}
