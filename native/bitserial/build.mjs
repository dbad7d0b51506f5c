#!/usr/bin/env node
// Builds the bit-serial kernel addon with the machine's C compiler and Node's own headers
// (no node-gyp download, so it works offline). Run at install time and, lazily, on first use.
// Never fails an install: without a compiler or headers it says so and exits 0, and the
// `bit-serial-cpu` target falls back to its analytic model.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const source = join(here, 'bitserial.c');

/** Node's include folder with node_api.h, or null. */
export function findNodeHeaders() {
  const candidates = [];
  if (process.env.npm_config_nodedir) candidates.push(join(process.env.npm_config_nodedir, 'include', 'node'));
  const prefix = process.config?.variables?.node_prefix;
  candidates.push(resolve(dirname(process.execPath), '..', 'include', 'node'));
  if (typeof prefix === 'string') candidates.push(join(prefix, 'include', 'node'));
  candidates.push('/usr/include/node', '/usr/local/include/node');
  return candidates.find((dir) => existsSync(join(dir, 'node_api.h'))) ?? null;
}

/** Where this machine's build lives: keyed by source, CPU and platform, so a copied tree rebuilds. */
export function addonPath() {
  const cpu = cpus()[0]?.model ?? 'unknown-cpu';
  const tag = createHash('sha256')
    .update(readFileSync(source))
    .update(`${process.platform}/${process.arch}/${cpu}/napi${process.versions.napi}`)
    .digest('hex')
    .slice(0, 16);
  return join(root, 'node_modules', '.cache', 'releq-bitserial', tag, 'bitserial.node');
}

/** Removes builds of older sources (or other CPUs) beside this one: they would only pile up. */
function pruneOtherBuilds(out) {
  const keep = dirname(out);
  const parent = dirname(keep);
  for (const name of readdirSync(parent)) {
    const dir = join(parent, name);
    if (dir !== keep) rmSync(dir, { recursive: true, force: true });
  }
}

function compilers() {
  const list = [process.env.CC, 'cc', 'gcc', 'clang'].filter((c) => typeof c === 'string' && c.length > 0);
  return [...new Set(list)];
}

/**
 * Builds the addon when it is not there yet. Returns {ok: true, path} or {ok: false, reason}.
 */
export function buildKernel({ force = false, quiet = false } = {}) {
  const out = addonPath();
  if (!force && existsSync(out)) return { ok: true, path: out, built: false };
  if (process.platform === 'win32') return { ok: false, reason: 'building the addon on Windows is not supported' };
  const headers = findNodeHeaders();
  if (headers === null) return { ok: false, reason: "Node's C headers (node_api.h) were not found" };
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  const base = ['-O3', '-std=gnu11', '-shared', '-fPIC', '-DNODE_GYP_MODULE_NAME=bitserial', `-I${headers}`];
  if (process.platform === 'darwin') base.push('-undefined', 'dynamic_lookup');
  const errors = [];
  for (const cc of compilers()) {
    // -march=native first: the build is for this machine (its path is keyed by CPU model).
    for (const arch of [['-march=native'], []]) {
      try {
        execFileSync(cc, [...base, ...arch, source, '-o', tmp], { stdio: ['ignore', 'ignore', 'pipe'] });
        renameSync(tmp, out);
        pruneOtherBuilds(out);
        if (!quiet) process.stderr.write(`releq: built the bit-serial kernel with ${cc} ${arch.join(' ')} -> ${out}\n`);
        return { ok: true, path: out, built: true };
      } catch (err) {
        rmSync(tmp, { force: true });
        const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
        errors.push(`${cc} ${arch.join(' ')}: ${msg}`);
      }
    }
  }
  return { ok: false, reason: `no C compiler could build it (${errors.join('; ')})` };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = buildKernel({ force: process.argv.includes('--force') });
  if (result.ok) {
    if (!result.built) process.stderr.write(`releq: bit-serial kernel already built (${result.path})\n`);
  } else {
    process.stderr.write(
      `releq: bit-serial kernel not built: ${result.reason}. ` +
        'The bit-serial-cpu hardware target will use its analytic model instead of timing.\n',
    );
    if (process.argv.includes('--strict')) process.exitCode = 1;
  }
}
