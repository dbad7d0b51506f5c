import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ReleqError } from '../../src/errors.js';
import { loadLayersModelFromDir, readLayersModelArtifacts } from '../../src/models/load-layers-model.js';
import { loadPretrainedMobilenet } from '../../plugins/networks/mobilenet-weights.js';
import { SHARED_DATA } from '../helpers/package-root.js';
import { tempDir } from '../helpers/tmp.js';
import { buildOptions, createNetwork, dorefa } from './helpers.js';

const DATA_DIR = process.env['RELEQ_DATA_DIR'] ?? SHARED_DATA;
const MODEL = 'models/mobilenet_v1_0.75_224';
const MODEL_DIR = join(DATA_DIR, MODEL);

describe('mobilenet pretrained weights', () => {
  before(async () => { await tf.ready(); });

  it('reports a folder without model.json, and a missing shard, as data errors', () => {
    const t = tempDir({ 'model.json': JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['group1-shard1of1'], weights: [] }] }) });
    try {
      expect(() => readLayersModelArtifacts(join(t.dir, 'nowhere'))).to.throw(ReleqError, `no model.json in ${join(t.dir, 'nowhere')}`);
      expect(() => readLayersModelArtifacts(t.dir)).to.throw(ReleqError, `weight shard ${t.path('group1-shard1of1')} named in ${t.path('model.json')} is missing`);
    } finally {
      t.cleanup();
    }
  });

  it('refuses a head size that the pretrained classes cannot fill', async () => {
    let caught: unknown;
    try {
      await createNetwork('mobilenet', { alpha: 0.75, weights: MODEL, numClasses: 10 }, DATA_DIR);
    } catch (e) { caught = e; }
    expect(caught).to.be.instanceOf(ReleqError);
    expect((caught as ReleqError).message).to.equal('network mobilenet: numClasses 10 does not fit the pretrained head (1000 classes)');
  });

  describe(`with ${MODEL_DIR}`, function () {
    before(function () {
      if (!existsSync(join(MODEL_DIR, 'model.json'))) {
        console.log(`      (skipped: ${MODEL_DIR} is absent; set RELEQ_DATA_DIR to the folder holding ${MODEL})`);
        this.skip();
      }
    });

    it('gives the logits of the original Keras model on a random 224x224 input', async () => {
      const original = await loadLayersModelFromDir(MODEL_DIR);
      const head = tf.model({ inputs: original.inputs, outputs: original.getLayer('conv_preds').output as tf.SymbolicTensor });
      const qm = loadPretrainedMobilenet(buildOptions(0, dorefa), { dir: MODEL_DIR });
      expect(qm.layerTable()).to.have.length(28);
      expect(qm.layerTable()[0]!.outChannels).to.equal(24); // 32 * 0.75
      const x = tf.randomUniform([1, 224, 224, 3], -1, 1, 'float32', 4);
      const expected = tf.tidy(() => (head.predict(x) as tf.Tensor).reshape([1000]).arraySync() as number[]);
      const actual = tf.tidy(() => (qm.model.predict(x) as tf.Tensor).reshape([1000]).arraySync() as number[]);
      const scale = Math.max(1, ...expected.map(Math.abs));
      actual.forEach((v, i) => expect(Math.abs(v - expected[i]!) / scale, `logit ${i}`).to.be.lessThan(1e-4));
      tf.dispose(x);
      qm.dispose();
      original.dispose();
    });

    it('builds through the plugin at another input size and keeps a chosen subset of the head', async () => {
      const small = tf.randomUniform([1, 64, 64, 3], -1, 1, 'float32', 5);
      const full = loadPretrainedMobilenet(buildOptions(0, dorefa), { dir: MODEL_DIR, inputSize: 64 });
      const all = tf.tidy(() => Array.from((full.model.predict(small) as tf.Tensor).dataSync()));
      const net = await createNetwork('mobilenet', { alpha: 0.75, inputSize: 64, weights: MODEL, numClasses: 3, classSubset: [7, 0, 999] }, DATA_DIR);
      const sub = net.build(buildOptions(0, dorefa));
      const logits = tf.tidy(() => Array.from((sub.model.predict(small) as tf.Tensor).dataSync()));
      [7, 0, 999].forEach((c, i) => expect(logits[i]!).to.be.closeTo(all[c]!, 1e-4 * Math.max(1, Math.abs(all[c]!))));
      tf.dispose(small);
      full.dispose();
      sub.dispose();
    });

    it('says which alpha the weights have when the options disagree', async () => {
      const net = await createNetwork('mobilenet', { alpha: 1, weights: MODEL }, DATA_DIR);
      expect(() => net.build(buildOptions())).to.throw(ReleqError, `network mobilenet: weights in ${MODEL_DIR} have alpha 0.75, options say 1`);
    });
  });
});
