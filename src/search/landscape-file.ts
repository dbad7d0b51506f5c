import { readFile } from 'node:fs/promises';
import { ReleqError } from '../errors.js';
import type { LayerInfo, LayerKind } from '../registry/contracts/index.js';

/**
 * A recorded accuracy landscape (format in shared/data/README.md): accuracies of many per-layer
 * bitwidth assignments, measured once by someone else, replayed here without training.
 */
export interface LandscapeFile {
  readonly name: string;
  readonly layers: readonly LayerInfo[];
  /** Full-precision accuracy as a fraction in [0, 1]. */
  readonly fullPrecisionAccuracy: number;
  readonly bitwidthChoices: readonly number[];
  /** Recorded entries, accuracies as fractions in [0, 1]. */
  readonly entries: ReadonlyArray<{ readonly bits: readonly number[]; readonly accuracy: number }>;
  readonly complete: boolean;
}

export type AccuracyUnit = 'auto' | 'percent' | 'fraction';

type Json = Record<string, unknown>;

function fail(file: string, message: string, hint?: string): never {
  throw new ReleqError('data', `landscape ${file}: ${message}`, {
    hint: hint ?? 'See shared/data/README.md for the landscape format (layers, layerTable, fullPrecisionAccuracy, bitwidthChoices, entries).',
  });
}

function isNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function optionalPositive(file: string, row: Json, key: string, where: string): number | undefined {
  const v = row[key];
  if (v === undefined) return undefined;
  if (!isNumber(v) || v < 0) fail(file, `${where}.${key} must be a non-negative number (got ${JSON.stringify(v)})`);
  return v;
}

/**
 * Turns one layerTable row into a LayerInfo. The files hold the RL state's static part only
 * (n, c, k, weightStd); the rest is filled so that every consumer gets a usable number:
 * kind = dense when k = 0 else conv (optional `kind` overrides: depthwise cannot be told from n/c/k);
 * stride, inSpatial and outSpatial = 1 unless given, so macs = params × outSpatial² is a lower bound
 * (exact for dense layers) and hardware costs from a landscape weigh layers by their weights only.
 */
function layerInfo(file: string, raw: unknown, index: number, fallbackName: string): LayerInfo {
  const where = `layerTable[${index}]`;
  if (typeof raw !== 'object' || raw === null) fail(file, `${where} must be an object`);
  const row = raw as Json;
  for (const key of ['n', 'c', 'k', 'weightStd']) {
    if (!isNumber(row[key]) || (row[key] as number) < 0) {
      fail(file, `${where}.${key} must be a non-negative number (got ${JSON.stringify(row[key])})`);
    }
  }
  const n = row.n as number, c = row.c as number, k = row.k as number;
  let kind: LayerKind = k === 0 ? 'dense' : 'conv';
  if (row.kind !== undefined) {
    if (row.kind !== 'conv' && row.kind !== 'depthwise' && row.kind !== 'dense') {
      fail(file, `${where}.kind must be conv, depthwise or dense (got ${JSON.stringify(row.kind)})`);
    }
    kind = row.kind;
  }
  const stride = optionalPositive(file, row, 'stride', where) ?? 1;
  const outSpatial = optionalPositive(file, row, 'outSpatial', where) ?? 1;
  const inSpatial = optionalPositive(file, row, 'inSpatial', where) ?? outSpatial * stride;
  const params = kind === 'dense' ? n * c : n * c * k * k;
  return {
    name: typeof row.name === 'string' ? row.name : fallbackName,
    kind,
    outChannels: n,
    inChannels: c,
    kernelSize: k,
    stride,
    inSpatial,
    outSpatial,
    macs: optionalPositive(file, row, 'macs', where) ?? params * outSpatial * outSpatial,
    params: optionalPositive(file, row, 'params', where) ?? params,
    weightStd: row.weightStd as number,
  };
}

/** Validates a parsed landscape object; `file` names it in errors. */
export function parseLandscape(data: unknown, file: string, unit: AccuracyUnit = 'auto'): LandscapeFile {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail(file, 'the top level must be a JSON object');
  const d = data as Json;
  if (!Array.isArray(d.layers) || d.layers.length === 0 || !d.layers.every((x) => typeof x === 'string')) {
    fail(file, '"layers" must be a non-empty list of layer names');
  }
  const names = d.layers as string[];
  if (!Array.isArray(d.layerTable) || d.layerTable.length !== names.length) {
    fail(file, `"layerTable" must be a list with one row per layer (${names.length} layers)`);
  }
  const layers = (d.layerTable as unknown[]).map((row, i) => layerInfo(file, row, i, names[i]!));
  if (!isNumber(d.fullPrecisionAccuracy) || d.fullPrecisionAccuracy <= 0) {
    fail(file, '"fullPrecisionAccuracy" must be a positive number');
  }
  const choices = d.bitwidthChoices;
  if (!Array.isArray(choices) || choices.length === 0 || !choices.every((b) => Number.isInteger(b) && b >= 1 && b <= 32)) {
    fail(file, '"bitwidthChoices" must be a non-empty list of integer bitwidths in 1..32');
  }
  const sorted = [...(choices as number[])].sort((a, b) => a - b);
  if (new Set(sorted).size !== sorted.length) fail(file, '"bitwidthChoices" must not repeat a bitwidth');
  if (!Array.isArray(d.entries) || d.entries.length === 0) fail(file, '"entries" must be a non-empty list');
  // Percent when the reference accuracy is above 1 (both shared files are in percent).
  const fp = d.fullPrecisionAccuracy as number;
  const percent = unit === 'percent' || (unit === 'auto' && fp > 1);
  const divisor = percent ? 100 : 1;
  const seen = new Set<string>();
  const entries = (d.entries as unknown[]).map((raw, i) => {
    const e = raw as Json;
    if (typeof e !== 'object' || e === null) fail(file, `entries[${i}] must be an object {bits, accuracy}`);
    const bits = e.bits;
    if (!Array.isArray(bits) || bits.length !== names.length || !bits.every((b) => sorted.includes(b as number))) {
      fail(file, `entries[${i}].bits must list ${names.length} bitwidths from [${sorted.join(', ')}] (got ${JSON.stringify(bits)})`);
    }
    if (!isNumber(e.accuracy) || e.accuracy < 0 || e.accuracy / divisor > 1) {
      fail(file, `entries[${i}].accuracy must be a number in [0, ${percent ? 100 : 1}] (got ${JSON.stringify(e.accuracy)})`);
    }
    const key = (bits as number[]).join(',');
    if (seen.has(key)) fail(file, `entries[${i}] repeats the assignment [${key}]`);
    seen.add(key);
    return { bits: bits as number[], accuracy: e.accuracy / divisor };
  });
  return {
    name: typeof d.name === 'string' ? d.name : file,
    layers,
    fullPrecisionAccuracy: fp / divisor,
    bitwidthChoices: sorted,
    entries,
    complete: d.complete === true,
  };
}

/** Reads and validates a landscape JSON file. */
export async function readLandscape(path: string, unit: AccuracyUnit = 'auto'): Promise<LandscapeFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ReleqError('data', `landscape file not found or unreadable: ${path}`, {
      hint: 'Check evaluator.file (relative paths resolve against the experiment file\'s folder) or the data directory.',
      cause,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    fail(path, `not valid JSON (${(cause as Error).message})`);
  }
  return parseLandscape(data, path, unit);
}
