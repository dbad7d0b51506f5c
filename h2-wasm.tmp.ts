import * as tf from '@tensorflow/tfjs';
import { initBackend } from './src/backend/index.js';
import { networkPlugins } from './plugins/networks/index.js';
import { DorefaQuantizer } from './plugins/quantizers/dorefa.js';
import { WrpnQuantizer } from './plugins/quantizers/wrpn.js';
import { exportWeights } from './src/models/weights-io.js';
const info = await initBackend('wasm', { threads: 1 });
console.log(info);
const opts: Record<string, object> = {
  lenet: { numClasses: 10 }, simplenet: { numClasses: 10 }, svhn: { numClasses: 10, dropout: 0.3 }, vgg11: { numClasses: 10 },
  resnet20: { numClasses: 10, shortcuts: 'fixed', shortcutBits: 8 },
  alexnet: { inputSize: 64, numClasses: 10, classifierWidth: 256, dropout: 0.5 },
  mobilenet: { alpha: 1, inputSize: 32, numClasses: 10, stemStride: 1, weights: null, classSubset: null },
};
const only = process.argv[2];
for (const qz of [new DorefaQuantizer({ scale: 'weight-max', activationClip: 1 }), new WrpnQuantizer({ oneBit: 'binary', activationClip: 1 })]) {
for (const p of networkPlugins) {
  if (only && p.name !== only) continue;
  const net = await (p.create as any)(opts[p.name], {});
  const qm = net.build({ quantizer: qz, seed: 1, activationBits: null });
  const L = qm.layerTable().length;
  qm.model.compile({ optimizer: tf.train.momentum(0.01, 0.9), loss: (t: tf.Tensor, y: tf.Tensor) => tf.losses.softmaxCrossEntropy(t, y) });
  const B = 32;
  const x = tf.randomNormal([B, ...net.inputShape], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([B], 0, 10, 'int32', 2), 10);
  const res: string[] = [];
  for (const bits of [32, 4]) {
    qm.setBitwidths(new Array(L).fill(bits));
    await qm.model.trainOnBatch(x, y); // warm
    const n0 = tf.memory().numTensors;
    const t = Date.now();
    let loss = 0;
    const steps = 3;
    for (let i = 0; i < steps; i++) loss = await qm.model.trainOnBatch(x, y) as number;
    const dt = (Date.now() - t) / steps;
    res.push(`bits ${bits}: ${(B / dt * 1000).toFixed(0)} img/s loss ${loss.toFixed(3)} leak ${tf.memory().numTensors - n0}`);
  }
  const finite = exportWeights(qm.model).every((w) => w.data.every(Number.isFinite));
  console.log(qz.name, p.name, res.join(' | '), 'finite', finite);
  qm.dispose(); tf.dispose([x, y]);
}
}
