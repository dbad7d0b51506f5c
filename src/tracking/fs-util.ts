/** Small file helpers for the MLflow file store: atomic writes, a lock file, file URIs. */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReleqError } from '../errors.js';

let tempCounter = 0;

/**
 * Writes `target` through a temp file in `tempDir` and a rename, so a crash leaves the old file
 * or the new one, never half of one. `tempDir` must be a folder MLflow ignores stray files in
 * (a run or experiment root), never `params/`, `tags/` or `metrics/`, where a temp file would
 * be read as a key.
 */
export function writeAtomic(tempDir: string, target: string, data: string | Uint8Array): void {
  mkdirSync(dirname(target), { recursive: true });
  const tmp = join(tempDir, `.releq-tmp-${process.pid}-${tempCounter++}`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void { Atomics.wait(sleeper, 0, 0, ms); }

/**
 * Runs `fn` while holding an exclusive lock file (O_EXCL create). Used so two processes that
 * start runs of the same new experiment create one experiment folder, not two. A lock older than
 * `staleMs` is taken to belong to a crashed process and removed.
 */
export function withLockFile<T>(lockPath: string, fn: () => T, timeoutMs = 10_000, staleMs = 30_000): T {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      closeSync(openSync(lockPath, 'wx'));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(lockPath).mtimeMs > staleMs) { unlinkSync(lockPath); continue; }
      } catch { continue; }
      if (Date.now() > deadline) {
        throw new ReleqError('tracking', `could not take the lock ${lockPath} within ${timeoutMs} ms`,
          { hint: 'another releq process holds it; if none runs, delete the file' });
      }
      sleepSync(20);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

// Python's urllib.parse.quote(safe='/'): everything but these bytes is %-encoded.
const URI_SAFE = /^[A-Za-z0-9_.\-~/]$/;

/** pathlib.Path(abspath(p)).as_uri(), as MLflow builds artifact locations. */
export function pathToFileUri(path: string): string {
  const abs = resolve(path);
  let out = '';
  for (const ch of abs) {
    if (URI_SAFE.test(ch)) { out += ch; continue; }
    for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return `file://${out}`;
}

/** The local folder of a `file:` URI (`file:///abs`, `file:rel`), or the string itself when it is a path. */
export function fileUriToPath(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  if (uri.startsWith('file://')) return fileURLToPath(uri.startsWith('file:///') ? uri : `file:///${uri.slice(7).replace(/^[^/]*\//, '')}`);
  return decodeURIComponent(uri.slice(5));
}
