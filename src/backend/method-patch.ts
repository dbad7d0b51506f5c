/**
 * A reversible replacement of one method on a tfjs-layers prototype. The original is kept under a
 * global symbol on the prototype itself, so enabling is idempotent even across module copies.
 */
export interface MethodPatch {
  enable(): void;
  disable(): void;
  isEnabled(): boolean;
}

export function methodPatch<P extends object, K extends keyof P>(
  symbolName: string, proto: () => P, method: K, replacement: (original: P[K]) => P[K],
): MethodPatch {
  const key = Symbol.for(symbolName);
  const slot = (p: P): { [key]?: P[K] } => p as { [key]?: P[K] };
  return {
    enable(): void {
      const p = proto();
      if (slot(p)[key] !== undefined) return;
      const original = p[method];
      slot(p)[key] = original;
      p[method] = replacement(original);
    },
    disable(): void {
      const p = proto();
      const original = slot(p)[key];
      if (original === undefined) return;
      p[method] = original;
      delete slot(p)[key];
    },
    isEnabled(): boolean {
      return slot(proto())[key] !== undefined;
    },
  };
}
