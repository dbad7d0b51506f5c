import type { CostReport, LayerPrecision } from '../registry/contracts/hardware.js';
import type { LayerInfo } from '../registry/contracts/layer-table.js';

/** 1234567 -> "1.23M": MAC counts span six orders of magnitude across the seven networks. */
export function shortCount(n: number): string {
  for (const [div, suffix] of [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']] as const) {
    if (n >= div) return `${(n / div).toPrecision(3)}${suffix}`;
  }
  return String(n);
}

/** Three significant digits, no exponent for the ranges costs take. */
export function num(x: number | null): string {
  if (x === null) return '-';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e6 || abs < 1e-3) return x.toExponential(2);
  return abs >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

function shape(layer: LayerInfo): string {
  if (layer.kind === 'dense') return `${layer.inChannels}->${layer.outChannels}`;
  const s = layer.stride === 1 ? '' : `/${layer.stride}`;
  return `${layer.kernelSize}x${layer.kernelSize}${s} ${layer.inChannels}->${layer.outChannels} @${layer.outSpatial}`;
}

/**
 * The per-layer table `releq cost` prints: the layer table, each layer's (w/a) bits, and for
 * every target its per-layer latency (and energy when it has a model), then totals, the 8/8
 * baseline and the ratios against it.
 */
export function formatCostTable(
  reports: CostReport | readonly CostReport[], layers: readonly LayerInfo[], precision: readonly LayerPrecision[],
): string {
  const list: readonly CostReport[] = Array.isArray(reports) ? reports : [reports as CostReport];
  const head = ['#', 'layer', 'kind', 'shape', 'MACs', 'w/a'];
  const targetCols = list.flatMap((r) => [
    `${r.target} [${r.units.latency}]`, ...(r.units.energy === null ? [] : [`energy [${r.units.energy}]`]),
  ]);
  const rows: string[][] = layers.map((layer, i) => [
    String(i), layer.name, layer.kind, shape(layer), shortCount(layer.macs),
    `${precision[i]?.weightBits ?? '?'}/${precision[i]?.activationBits ?? '?'}`,
    ...list.flatMap((r) => {
      const c = r.perLayer[i];
      return [num(c?.latency ?? null), ...(r.units.energy === null ? [] : [num(c?.energy ?? null)])];
    }),
  ]);
  const totalMacs = layers.reduce((s, l) => s + l.macs, 0);
  const footer = (label: string, macs: string, cell: (r: CostReport) => string[]): string[] =>
    ['', label, '', '', macs, '', ...list.flatMap(cell)];
  const energyCell = (r: CostReport, v: string): string[] => (r.units.energy === null ? [] : [v]);
  const foot = [
    footer('total', shortCount(totalMacs), (r) => [num(r.total.latency), ...energyCell(r, num(r.total.energy))]),
    footer('8/8 baseline', '', (r) => [num(r.baseline.latency), ...energyCell(r, num(r.baseline.energy))]),
    footer('vs 8/8', '', (r) => [
      `${r.speedup.toFixed(2)}x faster`,
      ...energyCell(r, r.energyReduction === null ? '-' : `${r.energyReduction.toFixed(2)}x less`),
    ]),
  ];
  const all = [[...head, ...targetCols], ...rows, ...foot];
  const widths = all[0]!.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const numeric = (c: number): boolean => c === 0 || c === 4 || c >= head.length;
  const line = (r: string[]): string =>
    r.map((cell, c) => (numeric(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(all[0]!), rule, ...rows.map(line), rule, ...foot.map(line)].join('\n');
}
