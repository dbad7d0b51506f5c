import { gunzipSync } from 'node:zlib';
import { ReleqError } from '../errors.js';

/** An IDX array (the MNIST file format): unsigned bytes with their dimensions. */
export interface IdxArray {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

/** Gunzips when the bytes start with the gzip magic (the official MNIST files are .gz). */
export function maybeGunzip(bytes: Uint8Array): Uint8Array {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(gunzipSync(bytes)) : bytes;
}

/**
 * Parses an IDX file: two zero bytes, a type code (0x08 = unsigned byte, the only one MNIST uses),
 * the dimension count, big-endian uint32 sizes, then the data in row-major order.
 */
export function parseIdx(raw: Uint8Array, source = 'IDX file'): IdxArray {
  const bytes = maybeGunzip(raw);
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new ReleqError('data', `${source}: not an IDX file (bad magic number)`, {
      hint: 'delete the file so it is downloaded again, or point the data directory at the official MNIST files',
    });
  }
  if (bytes[2] !== 0x08) {
    throw new ReleqError('data', `${source}: IDX type 0x${bytes[2]!.toString(16)} is not supported (only unsigned bytes, 0x08)`);
  }
  const ndims = bytes[3]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = 4 + 4 * ndims;
  if (bytes.length < header) throw new ReleqError('data', `${source}: truncated IDX header`);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length < header + size) {
    throw new ReleqError('data', `${source}: IDX data truncated (expected ${size} bytes after the header, found ${bytes.length - header})`, {
      hint: 'the file is incomplete: delete it and download it again',
    });
  }
  return { dims, data: bytes.subarray(header, header + size) };
}

/** Encodes unsigned bytes as IDX (tests and tools). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[2] = 0x08;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
