import * as tf from '@tensorflow/tfjs';
import { ReleqError } from '../errors.js';

export type NativeName = 'tensorflow' | 'tensorflow-gpu';
const PACKAGE: Record<NativeName, string> = {
  tensorflow: '@tensorflow/tfjs-node',
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
};

/** Loads native TensorFlow (an optional dependency) and makes it the engine's backend. */
export async function startNative(name: NativeName): Promise<void> {
  const specifier = PACKAGE[name];
  try {
    // A variable specifier keeps tsc from requiring the optional package at compile time.
    await import(specifier);
  } catch (cause) {
    throw new ReleqError('backend', `backend '${name}' is unavailable: ${specifier} could not be loaded (${(cause as Error).message.split('\n')[0]})`, {
      cause,
      hint: `install it with internet access (its install script downloads libtensorflow): npm install --save-exact ${specifier}@4.22.0; or choose backend: wasm (or auto)`,
    });
  }
  const ok = await tf.setBackend(name).catch(() => false);
  if (!ok || tf.getBackend() !== name) {
    throw new ReleqError('backend', `backend '${name}' loaded but did not start (tf.getBackend() is '${tf.getBackend()}')`, {
      hint: `check that ${specifier} was built for this Node version and that it uses the same @tensorflow/tfjs-core (npm ls @tensorflow/tfjs-core shows one copy)`,
    });
  }
}
