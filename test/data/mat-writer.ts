import { deflateSync } from 'node:zlib';

/** A numeric variable to write: MATLAB class code, dims, values (column-major) and the stored type. */
export interface MatVar {
  readonly name: string;
  readonly classCode: number;
  readonly dims: readonly number[];
  readonly values: ArrayLike<number>;
  /** miUINT8 = 2, miDOUBLE = 9 (MATLAB stores doubles holding small integers as uint8). */
  readonly storedType: 2 | 9;
}

function element(type: number, body: Uint8Array, pad = true): Uint8Array {
  const padded = pad ? Math.ceil(body.length / 8) * 8 : body.length;
  const out = new Uint8Array(8 + padded);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, body.length, true);
  out.set(body, 8);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Writes a little-endian MATLAB level-5 MAT-file, each variable compressed or not (test fixture). */
export function writeMatV5(vars: readonly MatVar[], compress: boolean): Uint8Array {
  const header = new Uint8Array(128).fill(0x20);
  header.set(Buffer.from('MATLAB 5.0 MAT-file, written by releq tests', 'latin1'), 0);
  header[124] = 0x00; header[125] = 0x01; header[126] = 0x49; header[127] = 0x4d;
  const elements = vars.map((v) => {
    const flags = new Uint8Array(8);
    new DataView(flags.buffer).setUint32(0, v.classCode, true);
    const dims = new Uint8Array(4 * v.dims.length);
    v.dims.forEach((d, i) => new DataView(dims.buffer).setInt32(4 * i, d, true));
    // The name as a small data element when it fits in 4 bytes, as MATLAB writes short names.
    const nameBytes = Buffer.from(v.name, 'latin1');
    let name: Uint8Array;
    if (nameBytes.length <= 4) {
      name = new Uint8Array(8);
      new DataView(name.buffer).setUint32(0, (nameBytes.length << 16) | 1, true);
      name.set(nameBytes, 4);
    } else {
      name = element(1, nameBytes);
    }
    let data: Uint8Array;
    if (v.storedType === 2) data = Uint8Array.from(v.values);
    else data = new Uint8Array(Float64Array.from(v.values).buffer);
    const matrix = element(14, concat([element(6, flags), element(5, dims), name, element(v.storedType, data)]));
    return compress ? element(15, new Uint8Array(deflateSync(matrix)), false) : matrix;
  });
  return concat([header, ...elements]);
}
