import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { ReleqError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export type RunPhase = 'running' | 'finished' | 'failed' | 'killed';

/** What a run folder remembers between invocations (resume, tracker continuity). */
export interface RunState {
  readonly phase: RunPhase;
  readonly configHash: string;
  readonly trackerRunId: string | null;
  readonly startedAt: string;
  readonly updatedAt: string;
}

export interface RunFolder {
  readonly dir: string;
  /** Folder name: `<experiment>-<config hash>` (plus `-N` for --fresh repeats). */
  readonly id: string;
  /** The previous state when this folder already held a run. */
  readonly previous: RunState | null;
}

const STATE_FILE = 'state.json';

/**
 * Run identity is the config hash: rerunning the same config finds the same folder and resumes it;
 * `fresh` starts a new folder beside it, so nothing already written is lost.
 */
export function openRunFolder(runsDir: string, name: string, hash: string, options: { resume?: string; fresh?: boolean }): RunFolder {
  if (options.resume !== undefined) {
    const dir = isAbsolute(options.resume) ? options.resume
      : existsSync(resolve(options.resume)) ? resolve(options.resume) : join(runsDir, options.resume);
    const previous = readState(dir);
    if (previous === null) {
      throw new ReleqError('usage', `--resume ${options.resume}: no run folder with ${STATE_FILE} at ${dir}`, {
        hint: `pass a folder under ${runsDir} printed by an earlier run`,
      });
    }
    if (previous.configHash !== hash) {
      throw new ReleqError('usage', `--resume ${options.resume}: that run used another configuration (hash ${previous.configHash}, this one ${hash})`, {
        hint: 'resume with the same experiment file and --set overrides, or start a new run without --resume',
      });
    }
    return { dir, id: basename(dir), previous };
  }
  const base = `${name}-${hash}`;
  let id = base;
  if (options.fresh === true) {
    for (let n = 2; existsSync(join(runsDir, id)); n++) id = `${base}-${n}`;
  }
  const dir = join(runsDir, id);
  mkdirSync(dir, { recursive: true });
  return { dir, id, previous: readState(dir) };
}

export function readState(dir: string): RunState | null {
  const path = join(dir, STATE_FILE);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RunState;
  } catch (cause) {
    throw new ReleqError('data', `${path} is not readable JSON`, { hint: 'restore it or start with --fresh', cause });
  }
}

export function writeState(dir: string, state: RunState): void {
  writeFileAtomic(join(dir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

export function writeJson(dir: string, file: string, value: unknown): string {
  const path = join(dir, file);
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
  return path;
}
