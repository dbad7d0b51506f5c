import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, hostname, platform, release, totalmem } from 'node:os';
import type { BackendInfo } from '../registry/contracts/index.js';
import { projectRoot } from '../util/project-root.js';

export interface EnvironmentInfo {
  readonly releqVersion: string;
  readonly node: string;
  readonly platform: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly host: string;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
  readonly backend: BackendInfo | null;
}

const PACKAGE_ROOT = `${projectRoot()}/`;

export function releqVersion(): string {
  try {
    return (JSON.parse(readFileSync(`${PACKAGE_ROOT}package.json`, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** What a run records about where it ran, so results can be compared honestly. */
export function collectEnvironment(backend: BackendInfo | null): EnvironmentInfo {
  const cpuList = cpus();
  return {
    releqVersion: releqVersion(),
    node: process.version,
    platform: `${platform()} ${release()}`,
    cpu: cpuList[0]?.model ?? 'unknown',
    cores: cpuList.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    host: hostname(),
    gitCommit: git(['rev-parse', 'HEAD']),
    gitDirty: (() => {
      const status = git(['status', '--porcelain']);
      return status === null ? null : status.length > 0;
    })(),
    backend,
  };
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}
