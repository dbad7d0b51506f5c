import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { create as createTar } from 'tar';
import { mnistPlugin, type MnistOptions } from '../../plugins/datasets/mnist.js';
import { cifar10Plugin } from '../../plugins/datasets/cifar10.js';
import { encodeIdx } from '../../src/data/idx.js';
import { encodeCifarBinary } from '../../src/data/cifar-binary.js';
import type { Dataset } from '../../src/registry/contracts/dataset.js';
import { testContext } from './context.js';

/** Online paths against a server on 127.0.0.1 that serves files from a folder. */
describe('data set downloads (loopback server)', () => {
  let root: string;
  let server: Server;
  let base: string;
  const requests: string[] = [];
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'releq-download-'));
    const www = join(root, 'www');
    mkdirSync(join(www, 'mnist'), { recursive: true });
    const idx = (dims: number[], fill: (i: number) => number): Buffer => gzipSync(encodeIdx(dims, Uint8Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => fill(i))));
    writeFileSync(join(www, 'mnist', 'train-images-idx3-ubyte.gz'), idx([30, 28, 28], (i) => i % 256));
    writeFileSync(join(www, 'mnist', 'train-labels-idx1-ubyte.gz'), idx([30], (i) => i % 10));
    writeFileSync(join(www, 'mnist', 't10k-images-idx3-ubyte.gz'), idx([10, 28, 28], (i) => i % 7));
    writeFileSync(join(www, 'mnist', 't10k-labels-idx1-ubyte.gz'), idx([10], (i) => i % 10));
    const src = join(root, 'src', 'cifar-10-batches-bin');
    mkdirSync(src, { recursive: true });
    const batch = (n: number): Uint8Array => encodeCifarBinary({ images: new Uint8Array(n * 3072).fill(7), labels: Int32Array.from({ length: n }, (_, i) => i % 10), count: n });
    for (let b = 1; b <= 5; b++) writeFileSync(join(src, `data_batch_${b}.bin`), batch(2));
    writeFileSync(join(src, 'test_batch.bin'), batch(3));
    await createTar({ gzip: true, file: join(www, 'cifar-10-binary.tar.gz'), cwd: join(root, 'src') }, ['cifar-10-batches-bin']);
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const file = join(www, decodeURIComponent(req.url ?? '/'));
      if (!existsSync(file)) { res.statusCode = 404; res.end(); return; }
      res.end(readFileSync(file));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    rmSync(root, { recursive: true, force: true });
  });

  it('mnist: tries the mirrors in order and reads the downloaded .gz files', async () => {
    const options: MnistOptions = {
      folder: 'mnist', source: 'download', mirrors: [`${base}/missing/`, `${base}/mnist/`],
      validationFraction: 0.1, splitSeed: null, trainLimit: null, testLimit: null,
    };
    const ctx = testContext({ dataDir: join(root, 'data'), cacheDir: join(root, 'cache') });
    const d = await (await mnistPlugin.create(options, ctx) as Dataset).load();
    expect([d.train.count, d.validation.count, d.test.count]).to.deep.equal([27, 3, 10]);
    expect(existsSync(join(root, 'data', 'mnist', 't10k-labels-idx1-ubyte.gz'))).to.equal(true);
    expect(requests.filter((r) => r.startsWith('/missing/'))).to.have.length(4);
    expect(ctx.logger.lines.some((l) => l.startsWith(`warning: ${base}/missing/train-images-idx3-ubyte.gz: could not download`))).to.equal(true);
  });

  it('cifar10: downloads the binary release and extracts it with tar', async () => {
    const ctx = testContext({ dataDir: join(root, 'data'), cacheDir: join(root, 'cache') });
    const d = await (await cifar10Plugin.create({
      folder: null, download: true, url: `${base}/cifar-10-binary.tar.gz`, validationFraction: 0.1, splitSeed: null, trainLimit: null, testLimit: null,
    }, ctx) as Dataset).load();
    expect([d.train.count, d.validation.count, d.test.count]).to.deep.equal([9, 1, 3]);
    expect(existsSync(join(root, 'data', 'cifar10', 'cifar-10-batches-bin', 'test_batch.bin'))).to.equal(true);
  });
});
