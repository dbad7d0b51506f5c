/**
 * Reads a TensorFlow.js layers-model folder (model.json + weight shards) from disk. `file://`
 * loading needs tfjs-node, which may be absent, so the files are read here and handed to tfjs in memory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ReleqError } from '../errors.js';

interface ModelJson {
  readonly modelTopology?: object;
  readonly weightsManifest?: ReadonlyArray<{ readonly paths: readonly string[]; readonly weights: tf.io.WeightsManifestEntry[] }>;
}

/** model.json plus every shard, concatenated in manifest order (as tfjs's own loaders do). */
export function readLayersModelArtifacts(dir: string): tf.io.ModelArtifacts {
  const jsonPath = join(dir, 'model.json');
  if (!existsSync(jsonPath)) {
    throw new ReleqError('data', `no model.json in ${dir}`, {
      hint: 'point to a TensorFlow.js layers-model folder (model.json and its weight shards)',
    });
  }
  let json: ModelJson;
  try {
    json = JSON.parse(readFileSync(jsonPath, 'utf8')) as ModelJson;
  } catch (cause) {
    throw new ReleqError('data', `${jsonPath} is not valid JSON`, { cause, hint: 'replace the file with an intact copy' });
  }
  if (json.modelTopology === undefined || json.weightsManifest === undefined) {
    throw new ReleqError('data', `${jsonPath} lacks modelTopology or weightsManifest`, {
      hint: 'only TensorFlow.js layers models (converted from Keras) are supported',
    });
  }
  const shards: Uint8Array[] = [];
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  for (const group of json.weightsManifest) {
    for (const path of group.paths) {
      const shardPath = join(dir, path);
      if (!existsSync(shardPath)) {
        throw new ReleqError('data', `weight shard ${shardPath} named in ${jsonPath} is missing`, {
          hint: 'copy the whole model folder again',
        });
      }
      shards.push(readFileSync(shardPath));
    }
    weightSpecs.push(...group.weights);
  }
  const total = shards.reduce((n, s) => n + s.byteLength, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const s of shards) {
    weightData.set(s, offset);
    offset += s.byteLength;
  }
  return { modelTopology: json.modelTopology, weightSpecs, weightData: weightData.buffer, format: 'layers-model' };
}

/** The folder's model as tfjs builds it from its own topology (for reference and checks). */
export async function loadLayersModelFromDir(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(readLayersModelArtifacts(dir)));
}

/** The folder's weights by name (`conv1/kernel`, `conv1_bn/gamma`, ...); the caller disposes them. */
export function readNamedWeights(dir: string): tf.NamedTensorMap {
  const artifacts = readLayersModelArtifacts(dir);
  return tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
}
