/**
 * MLflow's own input rules (mlflow/utils/validation.py, 2.12.2), shared by the file store and
 * the REST client, so a value is rejected or truncated here exactly where MLflow would.
 * Lengths count code points, as Python's len() does.
 */
import { ReleqError } from '../errors.js';
import type { MetricPoint } from '../registry/contracts/tracker.js';

export const MAX_ENTITY_KEY_LENGTH = 250;
export const MAX_PARAM_VAL_LENGTH = 6000;
export const MAX_TAG_VAL_LENGTH = 5000;
export const MAX_METRICS_PER_BATCH = 1000;
export const MAX_PARAMS_TAGS_PER_BATCH = 100;
export const MAX_ENTITIES_PER_BATCH = 1000;
export const MAX_BATCH_REQUEST_BYTES = 1_000_000;

// Python's `^[/\w.\- ]*$`; Python's Unicode \w is str.isalnum() or '_' (letters and numbers, no marks).
const KEY_CHARS = /^[/\p{L}\p{N}_.\- ]*$/u;
const RUN_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;
const EXPERIMENT_ID = /^[a-zA-Z0-9][\w-]{0,63}$/;

export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** posixpath.normpath for the relative keys MLflow accepts. */
function normpath(path: string): string {
  if (path === '') return '.';
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else if (!(part === '..' && absolute)) parts.push(part);
  }
  const joined = parts.join('/');
  if (absolute) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

export type KeyKind = 'metric' | 'param' | 'tag';
const KIND_NAME: Readonly<Record<KeyKind, string>> = { metric: 'metric name', param: 'parameter name', tag: 'tag name' };

/** Throws unless `key` is a name MLflow stores (characters, path shape, length). */
export function validateKey(kind: KeyKind, key: string): void {
  if (!KEY_CHARS.test(key)) {
    throw new ReleqError('tracking', `Invalid ${KIND_NAME[kind]}: '${key}'. Names may only contain alphanumerics, `
      + 'underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).', {
      hint: 'rename the key (MLflow rejects it and a file store holding it cannot be listed)',
    });
  }
  const norm = normpath(key);
  if (norm !== key || norm === '.' || norm.startsWith('..') || norm.startsWith('/')) {
    throw new ReleqError('tracking', `Invalid ${KIND_NAME[kind]}: '${key}'. Names may be treated as files in certain `
      + `cases, and must not resolve to other names when treated as such. This name would resolve to '${norm}'`);
  }
  const length = codePointLength(key);
  if (length > MAX_ENTITY_KEY_LENGTH) {
    const label = kind === 'metric' ? 'Metric name' : kind === 'param' ? 'Param key' : 'Tag key';
    throw new ReleqError('tracking', `${label} '${[...key].slice(0, 250).join('')}' had length ${length}, which `
      + `exceeded length limit of ${MAX_ENTITY_KEY_LENGTH}`);
  }
}

export interface Truncation { readonly key: string; readonly length: number; readonly limit: number }

/** MLflow ≥ 2.11 truncates over-long param and tag values (MLFLOW_TRUNCATE_LONG_VALUES); so do we. */
export function truncateValue(value: string, limit: number): string {
  if (value.length <= limit) return value; // UTF-16 length >= code points: cheap common case
  const points = [...value];
  return points.length <= limit ? value : points.slice(0, limit).join('');
}

export function validateParam(key: string, value: string): { key: string; value: string; truncated?: Truncation } {
  validateKey('param', key);
  const v = truncateValue(value, MAX_PARAM_VAL_LENGTH);
  return v === value ? { key, value } : { key, value: v, truncated: { key, length: codePointLength(value), limit: MAX_PARAM_VAL_LENGTH } };
}

export function validateTag(key: string, value: string): { key: string; value: string; truncated?: Truncation } {
  validateKey('tag', key);
  const v = truncateValue(value, MAX_TAG_VAL_LENGTH);
  return v === value ? { key, value } : { key, value: v, truncated: { key, length: codePointLength(value), limit: MAX_TAG_VAL_LENGTH } };
}

/** A metric MLflow stores faithfully: integer timestamp >= 0, integer step, a number (NaN/±Inf allowed). */
export function validateMetric(point: MetricPoint): void {
  validateKey('metric', point.key);
  if (typeof point.value !== 'number') {
    throw new ReleqError('tracking', `Got invalid value ${String(point.value)} for metric '${point.key}' `
      + `(timestamp=${point.timestamp}). Please specify value as a valid double (64-bit floating point)`);
  }
  if (!Number.isSafeInteger(point.timestamp) || point.timestamp < 0) {
    throw new ReleqError('tracking', `Got invalid timestamp ${point.timestamp} for metric '${point.key}' `
      + `(value=${point.value}). Timestamp must be a nonnegative long (64-bit integer)`);
  }
  if (!Number.isSafeInteger(point.step)) {
    throw new ReleqError('tracking', `Got invalid step ${point.step} for metric '${point.key}' `
      + `(value=${point.value}). Step must be a valid long (64-bit integer).`);
  }
}

export function validateRunId(runId: string): void {
  if (!RUN_ID.test(runId)) throw new ReleqError('tracking', `Invalid run ID: '${runId}'`);
}

export function validateExperimentId(id: string): void {
  if (!EXPERIMENT_ID.test(id)) throw new ReleqError('tracking', `Invalid experiment ID: '${id}'`);
}

export function validateExperimentName(name: string): void {
  if (name === '') throw new ReleqError('tracking', "Invalid experiment name: ''", { hint: 'give the experiment a name' });
  // MLflow's FileStore looks names up with the filter `name = '<name>'`, which a quote breaks.
  if (name.includes("'")) {
    throw new ReleqError('tracking', `Invalid experiment name: '${name}'. MLflow cannot look up a name holding a single quote (').`,
      { hint: 'remove the quote from the experiment name' });
  }
}
