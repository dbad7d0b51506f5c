import { expect } from 'chai';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { encodeIdx, parseIdx } from '../../src/data/idx.js';
import { encodeCifarBinary, parseCifarBinary } from '../../src/data/cifar-binary.js';
import { readMatV5 } from '../../src/data/mat-v5.js';
import { decodeJpegFiles, listClassFolders, parseLabelsFile } from '../../src/data/jpeg-folder.js';
import { centerCropResize } from '../../src/data/image-resize.js';
import { ReleqError } from '../../src/errors.js';
import { readSvhnMat } from '../../plugins/datasets/svhn.js';
import { writeMatV5 } from './mat-writer.js';

describe('data readers', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'releq-readers-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('parses IDX files, plain and gzipped, and rejects truncated ones', () => {
    const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 7);
    const bytes = encodeIdx([2, 3, 4], data);
    for (const b of [bytes, new Uint8Array(gzipSync(bytes))]) {
      const idx = parseIdx(b);
      expect(idx.dims).to.deep.equal([2, 3, 4]);
      expect(Array.from(idx.data)).to.deep.equal(Array.from(data));
    }
    expect(() => parseIdx(bytes.subarray(0, bytes.length - 1), 'x.idx')).to.throw(ReleqError, 'x.idx: IDX data truncated');
    expect(() => parseIdx(Uint8Array.from([1, 2, 3, 4]), 'y.idx')).to.throw(ReleqError, 'y.idx: not an IDX file');
  });

  it('parses CIFAR-10 binary records into NHWC and round-trips', () => {
    const count = 3;
    const images = Uint8Array.from({ length: count * 3072 }, (_, i) => (i * 31) % 256);
    const labels = Int32Array.from([4, 0, 9]);
    const bin = encodeCifarBinary({ images, labels, count });
    // Record 1, pixel 0: red at byte 1, green at 1 + 1024, blue at 1 + 2048 of that record.
    expect(bin[3073]).to.equal(0);
    expect(bin[3073 + 1]).to.equal(images[3072]);
    expect(bin[3073 + 1 + 1024]).to.equal(images[3072 + 1]);
    const back = parseCifarBinary([bin.subarray(0, 3073), bin.subarray(3073)]);
    expect(back.count).to.equal(3);
    expect(Array.from(back.labels)).to.deep.equal([4, 0, 9]);
    expect(Buffer.from(back.images).equals(Buffer.from(images))).to.equal(true);
    expect(() => parseCifarBinary([bin.subarray(0, 100)], 'b.bin')).to.throw(ReleqError, 'b.bin: 100 bytes is not a whole number');
  });

  for (const compress of [false, true]) {
    it(`reads MAT v5 numeric arrays (${compress ? 'compressed' : 'uncompressed'}) and SVHN layout`, () => {
      const n = 2;
      // X(r, c, ch, i) = (r + 2c + 5ch + 11i) mod 256 in column-major order.
      const x: number[] = [];
      for (let i = 0; i < n; i++) for (let ch = 0; ch < 3; ch++) for (let c = 0; c < 32; c++) for (let r = 0; r < 32; r++) x.push((r + 2 * c + 5 * ch + 11 * i) % 256);
      const bytes = writeMatV5([
        { name: 'X', classCode: 9, dims: [32, 32, 3, n], values: x, storedType: 2 },
        { name: 'y', classCode: 6, dims: [n, 1], values: [10, 3], storedType: 9 },
        { name: 'notes', classCode: 6, dims: [1, 2], values: [0.5, -1.25], storedType: 9 },
      ], compress);
      const vars = readMatV5(bytes);
      expect([...vars.keys()]).to.deep.equal(['X', 'y', 'notes']);
      expect(Array.from(vars.get('notes')!.data)).to.deep.equal([0.5, -1.25]);
      const svhn = readSvhnMat(bytes, 'gen.mat');
      expect(svhn.count).to.equal(2);
      expect(Array.from(svhn.labels)).to.deep.equal([0, 3]); // label 10 is the digit 0
      const at = (i: number, r: number, c: number, ch: number): number => svhn.images[i * 3072 + (r * 32 + c) * 3 + ch]!;
      expect(at(1, 4, 7, 2)).to.equal((4 + 14 + 10 + 11) % 256);
      expect(at(0, 31, 0, 1)).to.equal((31 + 5) % 256);
    });
  }

  it('rejects a file that is not MAT v5, and a 7.3 (HDF5) file with a hint', () => {
    expect(() => readMatV5(new Uint8Array(200), 'z.mat')).to.throw(ReleqError, 'z.mat: not a MATLAB level-5 MAT-file');
    const h = new Uint8Array(600);
    h.set(Buffer.from('MATLAB 7.3 MAT-file', 'latin1'));
    expect(() => readMatV5(h, 'h.mat')).to.throw(ReleqError, 'h.mat: MATLAB 7.3 (HDF5) files are not supported');
  });

  it('reads a class-per-folder JPEG layout and a labels file', () => {
    const root = join(dir, 'jpg');
    const solid = (r: number, g: number, b: number, w = 32, h = 32): Buffer => {
      const data = Buffer.alloc(w * h * 4);
      for (let i = 0; i < w * h; i++) data.set([r, g, b, 255], i * 4);
      return jpeg.encode({ data, width: w, height: h }, 95).data;
    };
    const colors: [string, number, number, number][] = [['cat', 200, 30, 30], ['airplane', 20, 20, 220]];
    for (const [cls, r, g, b] of colors) {
      mkdirSync(join(root, cls), { recursive: true });
      writeFileSync(join(root, cls, '0001.jpg'), solid(r, g, b));
      writeFileSync(join(root, cls, '0000.jpg'), solid(r, g, b));
    }
    writeFileSync(join(root, 'cat', 'notes.txt'), 'ignored');
    const { files, classes } = listClassFolders(root);
    expect(classes).to.deep.equal(['airplane', 'cat']);
    expect(files.map((f) => f.label)).to.deep.equal([0, 0, 1, 1]);
    const split = decodeJpegFiles(files, 32, 1);
    expect(split.count).to.equal(4);
    expect(split.images[0]! < 60 && split.images[2]! > 180).to.equal(true); // airplane is blue
    expect(split.images[3 * 3072]! > 170 && split.images[3 * 3072 + 2]! < 70).to.equal(true); // cat is red

    writeFileSync(join(root, 'big.jpg'), solid(10, 250, 10, 64, 48));
    const listed = parseLabelsFile('# comment\nbig.jpg 7\n\ncat/0000.jpg 3\n', root);
    expect(listed.map((f) => f.label)).to.deep.equal([7, 3]);
    const resized = decodeJpegFiles(listed, 16, 0.875);
    expect(resized.images.length).to.equal(2 * 16 * 16 * 3);
    expect(resized.images[1]! > 200).to.equal(true);
    expect(() => parseLabelsFile('a.jpg seven\n', root, 'labels.txt')).to.throw(ReleqError, 'labels.txt:1: expected "file label", got "a.jpg seven"');
  });

  it('center-crops then resizes bilinearly', () => {
    // 4x2 grey image: left half 0, right half 200; a crop of the central square keeps columns 1..2.
    const data = Uint8Array.from([0, 0, 200, 200, 0, 0, 200, 200]);
    const out = new Uint8Array(2 * 2 * 3);
    centerCropResize({ width: 4, height: 2, channels: 1, data }, 2, 1, out, 0);
    expect(Array.from(out)).to.deep.equal([0, 0, 0, 200, 200, 200, 0, 0, 0, 200, 200, 200]);
  });
});
