import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { RELEQ_KERNELS_WASM, RELEQ_KERNELS_WASM_SHARED } from '../../src/backend/wasm/releq-kernels-binary.js';
import { WebAssemblyApi } from '../../src/backend/wasm/webassembly-api.js';

/** Section ids of a wasm binary, in order (header: 8 bytes; each section: id, LEB128 size, body). */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8;
  while (at < bytes.length) {
    ids.push(bytes[at++]!);
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++]!;
      size |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    at += size;
  }
  return ids;
}

function hasClang(): boolean {
  try {
    for (const tool of ['clang-14', 'wasm-ld-14', 'llvm-objdump-14']) execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe("releq's wasm kernels (native/wasm-kernels)", () => {
  it('import only the heap memory and write nothing of their own into it (no data segments)', () => {
    for (const [name, base64] of [['plain', RELEQ_KERNELS_WASM], ['shared', RELEQ_KERNELS_WASM_SHARED]] as const) {
      const bytes = Buffer.from(base64, 'base64');
      const mod = new WebAssemblyApi.Module(bytes);
      expect(WebAssemblyApi.Module.imports(mod).map((i) => `${i.module}.${i.name}:${i.kind}`), name).to.deep.equal(['env.memory:memory']);
      expect(WebAssemblyApi.Module.exports(mod).map((e) => e.name), name).to.include('conv2d_filter_grad');
      expect(sectionIds(bytes), name).to.not.include.members([11, 12]);
    }
  });

  it('the committed binary is what kernels.c builds to (needs clang-14 and lld-14)', function () {
    if (!hasClang()) this.skip();
    this.timeout(60000);
    const out = execFileSync(process.execPath, ['native/wasm-kernels/build.mjs', '--check'], { encoding: 'utf8' });
    expect(out).to.match(/matches kernels\.c/);
  });
});
