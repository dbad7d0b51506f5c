import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file whether it runs from test/ (tsx) or dist/test/ (compiled). */
export const PACKAGE_ROOT = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || dir.endsWith('/dist')) dir = dirname(dir);
  return dir;
})();

/** Shared data beside the checkout (absent on machines without it: tests that need it skip). */
export const SHARED_DATA = join(PACKAGE_ROOT, '..', 'shared', 'data');
