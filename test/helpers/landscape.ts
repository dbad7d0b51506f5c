/**
 * A synthetic, complete landscape in the recorded-landscape format: accuracy falls with fewer
 * bits, more steeply for some layers, so the optimum is known and not trivial.
 */
export function syntheticLandscape(layerCount = 3, choices: readonly number[] = [2, 4, 8]): Record<string, unknown> {
  const sensitivity = Array.from({ length: layerCount }, (_, i) => (i % 2 === 0 ? 0.5 : 0.05));
  const entries: { bits: number[]; accuracy: number }[] = [];
  const walk = (prefix: number[]): void => {
    if (prefix.length === layerCount) {
      const drop = prefix.reduce((s, b, i) => s + sensitivity[i]! * (8 - b) ** 2 / 36, 0);
      entries.push({ bits: prefix, accuracy: Math.max(10, 99 - 40 * drop) });
      return;
    }
    for (const b of choices) walk([...prefix, b]);
  };
  walk([]);
  return {
    name: 'synthetic',
    layers: Array.from({ length: layerCount }, (_, i) => `layer${i}`),
    layerTable: Array.from({ length: layerCount }, (_, i) => ({ name: `layer${i}`, n: 8 * (i + 1), c: i === 0 ? 1 : 8 * i, k: i < layerCount - 1 ? 3 : 0, weightStd: 0.1 })),
    fullPrecisionAccuracy: 99,
    bitwidthChoices: choices,
    accuracy: 'synthetic test data',
    source: 'test/helpers/landscape.ts',
    complete: true,
    entries,
  };
}
