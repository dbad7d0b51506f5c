import { resolveExperiment } from '../src/runner/config/resolve.js';
import { createBuiltinRegistry } from '../plugins/index.js';
const r = await resolveExperiment(process.argv[2]!, [], createBuiltinRegistry());
console.log(JSON.stringify(r.config.evaluator), JSON.stringify(r.config.dataset), r.config.workers);
