/**
 * Credentials as MLflow's client finds them (mlflow/utils/credentials.py): MLFLOW_TRACKING_USERNAME
 * and MLFLOW_TRACKING_PASSWORD (else `[mlflow]` in ~/.mlflow/credentials) give Basic auth, which
 * wins over MLFLOW_TRACKING_TOKEN (Bearer), as in MLflow's code. `user:pass@` in the URL is used
 * when nothing else is set. The header lives only in memory: never logged, spooled or tagged.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface MlflowAuth {
  /** The URL with any user:password removed. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** What kind of auth is used, for diagnostics (never the secret). */
  readonly scheme: 'basic' | 'bearer' | 'none';
}

function credentialsFile(env: NodeJS.ProcessEnv): { user?: string; password?: string } {
  const home = env['HOME'] ?? homedir();
  let text: string;
  try { text = readFileSync(join(home, '.mlflow', 'credentials'), 'utf8'); } catch { return {}; }
  const out: { user?: string; password?: string } = {};
  let section = '';
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[(.+)\]\s*$/.exec(line);
    if (header) { section = header[1] as string; continue; }
    const kv = /^\s*([^=#;]+?)\s*=\s*(.*?)\s*$/.exec(line);
    if (section !== 'mlflow' || !kv) continue;
    if (kv[1] === 'mlflow_tracking_username') out.user = kv[2] as string;
    if (kv[1] === 'mlflow_tracking_password') out.password = kv[2] as string;
  }
  return out;
}

export function resolveAuth(url: string, env: NodeJS.ProcessEnv = process.env): MlflowAuth {
  const parsed = new URL(url);
  const urlUser = decodeURIComponent(parsed.username);
  const urlPassword = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  const clean = parsed.toString().replace(/\/+$/, '');
  const file = credentialsFile(env);
  const user = env['MLFLOW_TRACKING_USERNAME'] || file.user;
  const password = env['MLFLOW_TRACKING_PASSWORD'] || file.password;
  const basic = (u: string, p: string): MlflowAuth => ({
    url: clean, scheme: 'basic', headers: { authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` },
  });
  if (user && password) return basic(user, password);
  const token = env['MLFLOW_TRACKING_TOKEN'];
  if (token) return { url: clean, scheme: 'bearer', headers: { authorization: `Bearer ${token}` } };
  if (urlUser) return basic(urlUser, urlPassword);
  return { url: clean, scheme: 'none', headers: {} };
}
