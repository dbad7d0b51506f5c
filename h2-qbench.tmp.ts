import * as tf from '@tensorflow/tfjs';
import { initBackend } from './src/backend/index.js';
import { DorefaQuantizer } from './plugins/quantizers/dorefa.js';
import { WrpnQuantizer } from './plugins/quantizers/wrpn.js';
await initBackend((process.argv[2] ?? 'wasm') as 'wasm', { threads: 1 });
const w = tf.variable(tf.randomNormal([400, 120], 0, 0.05));
for (const q of [new DorefaQuantizer({ activationClip: 1 }), new WrpnQuantizer({ oneBit: 'binary', activationClip: 1 })]) {
  for (const bits of [32, 4]) {
    const run = () => tf.tidy(() => { tf.variableGrads(() => tf.sum(q.quantizeWeights(w, bits)), [w]); });
    for (let i = 0; i < 5; i++) run();
    const t = performance.now();
    const n = 100;
    for (let i = 0; i < n; i++) run();
    console.log(q.name, bits, ((performance.now() - t) / n).toFixed(3), 'ms fwd+bwd');
  }
}
