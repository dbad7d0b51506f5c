import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { extract } from 'tar';
import { fetch } from 'undici';
import { ReleqError } from '../errors.js';
import type { Logger } from '../services/logger.js';

/** Downloads `url` to `dest` through a temp file, so an interrupted download never looks complete. */
export async function downloadFile(url: string, dest: string, logger: Logger, signal?: AbortSignal): Promise<void> {
  if (existsSync(dest)) return;
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = `${dest}.download-${process.pid}`;
  logger.info(`downloading ${url}`);
  try {
    const res = await fetch(url, signal === undefined ? {} : { signal });
    if (!res.ok || res.body === null) throw new Error(`HTTP ${res.status} ${res.statusText}`);
    await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), createWriteStream(tmp));
    renameSync(tmp, dest);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new ReleqError('data', `could not download ${url}: ${(err as Error).message}`, {
      cause: err,
      hint: `download it by hand to ${dest}, or set the data directory (--data-dir, RELEQ_DATA_DIR) to a folder that has it`,
    });
  }
}

/** Extracts a .tar.gz archive into `dir` (node's tar package; no shell). */
export async function extractTarGz(archive: string, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await extract({ file: archive, cwd: dir });
}
