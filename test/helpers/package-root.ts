import { join } from 'node:path';
import { projectRoot } from '../../src/util/project-root.js';

/** The repository root, whether tests run from test/ (tsx) or dist/test/ (compiled). */
export const PACKAGE_ROOT = projectRoot();

/** Shared data beside the checkout (absent on machines without it: tests that need it skip). */
export const SHARED_DATA = join(PACKAGE_ROOT, '..', 'shared', 'data');
