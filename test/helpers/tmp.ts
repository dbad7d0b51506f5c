import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A temporary folder with files written from a map; removed by `cleanup`. */
export function tempDir(files: Readonly<Record<string, string>> = {}): { dir: string; path(p: string): string; write(p: string, text: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'releq-test-'));
  const write = (p: string, text: string): string => {
    const full = join(dir, p);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
    return full;
  };
  for (const [p, text] of Object.entries(files)) write(p, text);
  return { dir, path: (p) => join(dir, p), write, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
