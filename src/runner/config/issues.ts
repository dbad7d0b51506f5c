import type { ErrorObject } from '../../registry/ajv.js';
import { ReleqError } from '../../errors.js';
import { didYouMean } from '../../util/did-you-mean.js';
import { formatLocation, formatPath, type KeyPath, type SourceMap } from './source-map.js';

/** One problem found in an experiment, with where it was written. */
export interface ConfigIssue {
  readonly path: KeyPath;
  readonly message: string;
}

/** Turns ajv errors into readable issues: one per key, with did-you-mean for unknown keys. */
export function issuesFromAjv(errors: readonly ErrorObject[], prefix: KeyPath): ConfigIssue[] {
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const out: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const at = [...prefix, ...pointerToPath(e.instancePath)];
    if (e.keyword !== 'anyOf' && anyOfPaths.has(e.instancePath)) continue; // summarised by the anyOf message
    if (e.keyword !== 'anyOf' && [...anyOfPaths].some((p) => e.instancePath.startsWith(`${p}/`) && isBranchError(e))) continue;
    let issue: ConfigIssue;
    switch (e.keyword) {
      case 'required': {
        const missing = (e.params as { missingProperty: string }).missingProperty;
        issue = { path: [...at, missing], message: 'is required but missing' };
        break;
      }
      case 'additionalProperties': {
        const extra = (e.params as { additionalProperty: string }).additionalProperty;
        const known = Object.keys((e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {});
        issue = {
          path: [...at, extra],
          message: `unknown key${didYouMean(extra, known)}; allowed keys: ${known.join(', ') || '(none)'}`,
        };
        break;
      }
      case 'enum':
        issue = { path: at, message: `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map(show).join(', ')} (got ${show(e.data)})${typeof e.data === 'string' ? didYouMean(e.data, (e.params as { allowedValues: unknown[] }).allowedValues.map(String)) : ''}` };
        break;
      case 'anyOf':
        issue = { path: at, message: `must be ${describeBranches(e.schema)} (got ${show(e.data)})` };
        break;
      default:
        issue = { path: at, message: `${e.message ?? 'is invalid'} (got ${show(e.data)})` };
    }
    const key = `${formatPath(issue.path)}|${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(issue);
    }
  }
  return out;
}

function isBranchError(e: ErrorObject): boolean {
  return e.schemaPath.includes('/anyOf/');
}

function describeBranches(schema: unknown): string {
  if (!Array.isArray(schema)) return 'one of the allowed forms';
  return schema.map((s: Record<string, unknown>) => {
    if ('const' in s) return show(s['const']);
    if (Array.isArray(s['enum'])) return (s['enum'] as unknown[]).map(show).join(' or ');
    if (s['type'] === 'array') return 'a list';
    if (s['type'] === 'object') return 'a map';
    if (typeof s['type'] === 'string') return `${s['type'] === 'integer' ? 'an' : 'a'} ${s['type']}`;
    return 'another form';
  }).join(' or ');
}

function pointerToPath(pointer: string): KeyPath {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** One error listing every issue as `file:line:col key.path: message`. */
export function configError(issues: readonly ConfigIssue[], sources: SourceMap, file: string): ReleqError {
  const lines = issues.map((i) => {
    const loc = formatLocation(sources.find(i.path)) || file;
    return `${loc} ${formatPath(i.path)}: ${i.message}`;
  });
  return new ReleqError('config', `${file} is not a valid experiment (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n  ${lines.join('\n  ')}`, {
    hint: 'fix the keys listed above; `releq list` shows plugins, schemas/ documents every key',
  });
}
