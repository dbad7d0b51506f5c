import * as tf from '@tensorflow/tfjs';
import { initBackend } from './src/backend/index.js';
import { DorefaQuantizer } from './plugins/quantizers/dorefa.js';
import { WrpnQuantizer } from './plugins/quantizers/wrpn.js';
await initBackend('wasm', { threads: 1 });
const w = tf.variable(tf.randomNormal([400, 120], 0, 0.05));
const which = process.argv[2] ?? 'dorefa';
const q = which === 'dorefa' ? new DorefaQuantizer({ activationClip: 1 }) : new WrpnQuantizer({ oneBit: 'binary', activationClip: 1 });
const run = () => tf.tidy(() => { tf.variableGrads(() => tf.sum(q.quantizeWeights(w, 4)), [w]); });
for (let i = 0; i < 5; i++) run();
const agg = new Map<string, number>();
for (let r = 0; r < 20; r++) {
  const info = await tf.profile(run);
  for (const k of info.kernels) agg.set(k.name, (agg.get(k.name) ?? 0) + (k.kernelTimeMs as number) / 20);
}
console.log([...agg.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(3)}`).join('\n'));
