import { Ajv, type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv';

/**
 * The one validator of the project. `useDefaults` fills option defaults in place;
 * `releqPath: true` marks string options that are file paths (resolved against the YAML file).
 */
export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true, verbose: true });
  ajv.addKeyword({ keyword: 'releqPath', schemaType: 'boolean' });
  return ajv;
}

export type { ErrorObject, SchemaObject, ValidateFunction };
