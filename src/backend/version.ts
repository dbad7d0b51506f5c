import * as tf from '@tensorflow/tfjs';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { ReleqError } from '../errors.js';

/** The tfjs version the wasm kernels and the batch-norm patch were checked against. */
export const TFJS_PINNED_VERSION = '4.22.0';

/** Versions of every tfjs package this module reaches into; all must equal the pin. */
export function tfjsVersions(): Record<string, string> {
  const v = tf.version as Record<string, string>;
  return { ...v, 'tfjs-backend-wasm': version_wasm };
}

/** Refuses any tfjs package other than the pinned version: the kernels use its internals. */
export function assertPinnedTfjs(versions: Record<string, string> = tfjsVersions()): string {
  const wrong = Object.entries(versions).filter(([, version]) => version !== TFJS_PINNED_VERSION);
  if (wrong.length > 0) {
    const list = wrong.map(([name, version]) => `@tensorflow/${name}@${version}`).join(', ');
    throw new ReleqError('backend', `tfjs version mismatch: ${list}; src/backend was checked against ${TFJS_PINNED_VERSION} only`, {
      hint: `pin every @tensorflow package to exactly ${TFJS_PINNED_VERSION} in package.json (npm install --save-exact @tensorflow/tfjs@${TFJS_PINNED_VERSION} @tensorflow/tfjs-backend-wasm@${TFJS_PINNED_VERSION}), or re-validate src/backend/wasm against the new version`,
    });
  }
  return TFJS_PINNED_VERSION;
}
