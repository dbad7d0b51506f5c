import { inflateSync } from 'node:zlib';
import { ReleqError } from '../errors.js';

/** A numeric MATLAB array, real part only, in MATLAB's column-major order. */
export interface MatArray {
  readonly name: string;
  /** MATLAB class code (6 double, 7 single, 8 int8, 9 uint8, ... 15 uint64). */
  readonly classCode: number;
  readonly dims: readonly number[];
  /** Values in column-major order: element (i, j, k) is at i + d0 * (j + d1 * k). */
  readonly data: Float64Array | Float32Array | Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;
}

const MI = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9, INT64: 12, UINT64: 13, MATRIX: 14, COMPRESSED: 15 } as const;
const BYTES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8 };
const NUMERIC_CLASSES = new Set([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);

interface Element { type: number; body: Uint8Array; next: number }

/**
 * Reads the numeric arrays of a MATLAB level-5 MAT-file (what `save` writes by default before 7.3,
 * and the format of SVHN's train_32x32.mat / test_32x32.mat). Compressed elements (zlib) are
 * inflated; cell, struct, char and sparse arrays are skipped.
 */
export function readMatV5(bytes: Uint8Array, source = 'MAT-file'): Map<string, MatArray> {
  if (bytes.length < 128) throw new ReleqError('data', `${source}: too short for a MAT-file header`);
  const text = Buffer.from(bytes.subarray(0, 116)).toString('latin1');
  if (/MATLAB 7\.3/.test(text) || (bytes.length > 520 && Buffer.from(bytes.subarray(512, 520)).toString('latin1') === '\x89HDF\r\n\x1a\n')) {
    throw new ReleqError('data', `${source}: MATLAB 7.3 (HDF5) files are not supported`, {
      hint: 'use the official SVHN files (level 5) or re-save with `save(..., "-v7")`',
    });
  }
  const e0 = bytes[126], e1 = bytes[127];
  let little: boolean;
  if (e0 === 0x49 && e1 === 0x4d) little = true; // 'IM'
  else if (e0 === 0x4d && e1 === 0x49) little = false; // 'MI'
  else throw new ReleqError('data', `${source}: not a MATLAB level-5 MAT-file (no endian indicator at byte 126)`);
  const out = new Map<string, MatArray>();
  let pos = 128;
  while (pos + 8 <= bytes.length) {
    const el = readElement(bytes, pos, little, source);
    pos = el.next;
    let matrix = el;
    if (el.type === MI.COMPRESSED) {
      const inflated = new Uint8Array(inflateSync(el.body));
      matrix = readElement(inflated, 0, little, source);
    }
    if (matrix.type !== MI.MATRIX) continue;
    const arr = readMatrix(matrix.body, little, source);
    if (arr !== null) out.set(arr.name, arr);
  }
  return out;
}

function readElement(bytes: Uint8Array, pos: number, little: boolean, source: string): Element {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const first = view.getUint32(pos, little);
  if (first >>> 16 !== 0) {
    // Small data element: type and size share the first word, data in the next 4 bytes.
    const size = first >>> 16;
    return { type: first & 0xffff, body: bytes.subarray(pos + 4, pos + 4 + size), next: pos + 8 };
  }
  const size = view.getUint32(pos + 4, little);
  const start = pos + 8;
  if (start + size > bytes.length) throw new ReleqError('data', `${source}: data element at byte ${pos} runs past the end of the file`, { hint: 'the file is truncated: download it again' });
  // Compressed elements are not padded; all others end on an 8-byte boundary.
  const padded = first === MI.COMPRESSED ? size : Math.ceil(size / 8) * 8;
  return { type: first, body: bytes.subarray(start, start + size), next: start + padded };
}

function readMatrix(body: Uint8Array, little: boolean, source: string): MatArray | null {
  if (body.length === 0) return null;
  const flags = readElement(body, 0, little, source);
  const flagView = new DataView(flags.body.buffer, flags.body.byteOffset, flags.body.byteLength);
  const classCode = flagView.getUint32(0, little) & 0xff;
  const complex = (flagView.getUint32(0, little) & 0x0800) !== 0;
  const dimsEl = readElement(body, flags.next, little, source);
  const dimsView = new DataView(dimsEl.body.buffer, dimsEl.body.byteOffset, dimsEl.body.byteLength);
  const dims: number[] = [];
  for (let i = 0; i + 4 <= dimsEl.body.length; i += 4) dims.push(dimsView.getInt32(i, little));
  const nameEl = readElement(body, dimsEl.next, little, source);
  const name = Buffer.from(nameEl.body).toString('latin1');
  if (!NUMERIC_CLASSES.has(classCode) || complex) return null;
  const real = readElement(body, nameEl.next, little, source);
  const count = dims.reduce((a, b) => a * b, 1);
  const data = toTypedArray(real.type, real.body, little, `${source}: variable ${name}`);
  if (data.length !== count) {
    throw new ReleqError('data', `${source}: variable ${name} has ${data.length} values for dimensions ${dims.join('x')}`);
  }
  return { name, classCode, dims, data };
}

/** Converts a data element's bytes to a typed array of its stored type (MATLAB may store doubles as uint8). */
function toTypedArray(type: number, body: Uint8Array, little: boolean, source: string): MatArray['data'] {
  const width = BYTES[type];
  if (width === undefined) throw new ReleqError('data', `${source}: unsupported data type ${type}`);
  const n = body.length / width;
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  switch (type) {
    case MI.UINT8: return new Uint8Array(body);
    case MI.INT8: return new Int8Array(body.buffer.slice(body.byteOffset, body.byteOffset + n));
    default: break;
  }
  const make = (): MatArray['data'] => {
    switch (type) {
      case MI.INT16: return new Int16Array(n);
      case MI.UINT16: return new Uint16Array(n);
      case MI.INT32: return new Int32Array(n);
      case MI.UINT32: return new Uint32Array(n);
      case MI.SINGLE: return new Float32Array(n);
      default: return new Float64Array(n);
    }
  };
  const out = make();
  for (let i = 0; i < n; i++) {
    const o = i * width;
    switch (type) {
      case MI.INT16: out[i] = view.getInt16(o, little); break;
      case MI.UINT16: out[i] = view.getUint16(o, little); break;
      case MI.INT32: out[i] = view.getInt32(o, little); break;
      case MI.UINT32: out[i] = view.getUint32(o, little); break;
      case MI.SINGLE: out[i] = view.getFloat32(o, little); break;
      case MI.DOUBLE: out[i] = view.getFloat64(o, little); break;
      case MI.INT64: out[i] = Number(view.getBigInt64(o, little)); break;
      case MI.UINT64: out[i] = Number(view.getBigUint64(o, little)); break;
      default: break;
    }
  }
  return out;
}
