/** Where an `mlflow` tracker logs: a REST server or a local file store, as MLflow reads its URI. */
import { isAbsolute, resolve } from 'node:path';
import { ReleqError } from '../errors.js';
import { fileUriToPath } from './fs-util.js';

export type TrackingTarget =
  | { readonly kind: 'rest'; readonly url: string }
  | { readonly kind: 'file'; readonly root: string };

/**
 * `http(s)://…` → REST; `file:…` or a plain path → file store. `uri` comes from the experiment
 * (relative paths resolve against the experiment file's folder through `resolveConfigPath`);
 * without it MLFLOW_TRACKING_URI, then `./mlruns`, both relative to the working directory, as
 * MLflow's own client resolves them.
 */
export function resolveTrackingUri(
  uri: string | undefined,
  resolveConfigPath: (path: string) => string = (p) => resolve(p),
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): TrackingTarget {
  const fromConfig = uri !== undefined && uri !== '';
  const raw = fromConfig ? uri : env['MLFLOW_TRACKING_URI'] || './mlruns';
  if (/^https?:\/\//i.test(raw)) return { kind: 'rest', url: raw.replace(/\/+$/, '') };
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(raw)?.[1];
  if (scheme !== undefined && scheme.toLowerCase() !== 'file' && !/^[a-zA-Z]:[\\/]/.test(raw)) {
    throw new ReleqError('config', `MLflow tracking URI '${raw}' uses the scheme '${scheme}:', which releq does not support`, {
      hint: 'use http(s)://host:port for a tracking server, or a folder / file: URI for a local store',
    });
  }
  const path = fileUriToPath(raw);
  if (isAbsolute(path)) return { kind: 'file', root: path };
  return { kind: 'file', root: fromConfig ? resolveConfigPath(path) : resolve(cwd, path) };
}
