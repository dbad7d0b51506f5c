/**
 * Flattens a resolved config into MLflow params: nested objects become dotted keys
 * (`agent.options.lr`), lists of plain values become compact JSON (`[2,3,4]`), lists holding
 * objects are indexed (`layers.0.bits`). Keys must be names MLflow accepts (checked here, so a
 * bad key is reported before a run starts); values longer than MLflow's 6000-character limit
 * are truncated as MLflow does.
 */
import { ReleqError } from '../errors.js';
import { MAX_PARAM_VAL_LENGTH, truncateValue, validateKey } from './validation.js';

export function flattenParams(config: unknown, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  walk(config, prefix, out);
  for (const key of Object.keys(out)) {
    try {
      validateKey('param', key);
    } catch (error) {
      throw new ReleqError('tracking', `config key '${key}' cannot be an MLflow param: ${(error as Error).message}`,
        { hint: 'rename the config key (letters, digits, _ - . space / only; at most 250 characters)', cause: error });
    }
    out[key] = truncateValue(out[key] as string, MAX_PARAM_VAL_LENGTH);
  }
  return out;
}

function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

function walk(value: unknown, path: string, out: Record<string, string>): void {
  if (Array.isArray(value)) {
    if (value.some((v) => typeof v === 'object' && v !== null)) {
      if (value.length === 0) out[path] = '[]';
      value.forEach((v, i) => walk(v, join(path, String(i)), out));
    } else {
      out[path] = JSON.stringify(value);
    }
    return;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0 && path !== '') out[path] = '{}';
    for (const [k, v] of entries) walk(v, join(path, k), out);
    return;
  }
  if (path === '') throw new ReleqError('internal', 'flattenParams needs an object at the top level');
  if (value === undefined) return;
  out[path] = typeof value === 'string' ? value : value === null ? 'null' : String(value);
}
