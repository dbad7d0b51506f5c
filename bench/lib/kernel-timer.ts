// Exclusive per-kernel wall time on the current backend: wraps every registered kernelFunc of
// `backendName` (nested kernels are subtracted from their parent). A diagnostic, not a benchmark.
import * as tf from '@tensorflow/tfjs';

export interface KernelTime { name: string; ms: number; calls: number; inclusiveMs: number }

export class KernelTimer {
  private readonly totals = new Map<string, KernelTime>();
  private readonly stack: { name: string; start: number; child: number }[] = [];
  enabled = false;

  /** `byShape`: key kernels by name and input shapes (to compare a kernel's time with its FLOPs). */
  constructor(backendName: string, private readonly byShape = false) {
    for (const config of tf.getKernelsForBackend(backendName)) {
      const inner = config.kernelFunc;
      const kernelName = config.kernelName;
      (config as { kernelFunc: tf.KernelFunc }).kernelFunc = ((args: Parameters<tf.KernelFunc>[0]) => {
        if (!this.enabled) return inner(args);
        const name = this.byShape ? `${kernelName} ${Object.values(args.inputs).map((t) => `[${t?.shape.join(',')}]`).join(' ')}` : kernelName;
        this.stack.push({ name, start: performance.now(), child: 0 });
        try {
          return inner(args);
        } finally {
          const frame = this.stack.pop()!;
          const total = performance.now() - frame.start;
          const e = this.totals.get(name) ?? { name, ms: 0, calls: 0, inclusiveMs: 0 };
          e.ms += total - frame.child; e.inclusiveMs += total; e.calls++;
          this.totals.set(name, e);
          const parent = this.stack[this.stack.length - 1];
          if (parent !== undefined) parent.child += total;
        }
      }) as tf.KernelFunc;
    }
  }

  reset(): void { this.totals.clear(); }
  report(): KernelTime[] { return [...this.totals.values()].sort((a, b) => b.ms - a.ms); }
}
