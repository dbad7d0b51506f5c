import { expect } from 'chai';
import { Rng } from '../../src/services/rng.js';

describe('Rng', () => {
  it('gives the same stream for the same seed and name, and different streams for different names', () => {
    const a = Rng.stream(7, 'agent');
    const b = Rng.stream(7, 'agent');
    const c = Rng.stream(7, 'data');
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).to.deep.equal(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).to.not.deep.equal(xs);
  });

  it('restores a saved state exactly', () => {
    const a = Rng.stream(1, 'x');
    a.normal();
    const saved = a.getState();
    const next = [a.next(), a.normal(), a.int(10)];
    const b = Rng.stream(99, 'other');
    b.setState(saved);
    expect([b.next(), b.normal(), b.int(10)]).to.deep.equal(next);
  });

  it('draws uniform integers in range with roughly equal frequency', () => {
    const r = Rng.stream(3, 'u');
    const counts = new Array(5).fill(0);
    for (let i = 0; i < 50000; i++) counts[r.int(5)]++;
    for (const c of counts) expect(c).to.be.within(9500, 10500);
  });

  it('samples a categorical distribution in proportion to its weights', () => {
    const r = Rng.stream(4, 'c');
    const counts = [0, 0, 0];
    for (let i = 0; i < 30000; i++) counts[r.categorical([1, 0, 3])]++;
    expect(counts[1]).to.equal(0);
    expect(counts[2]! / counts[0]!).to.be.within(2.7, 3.3);
  });
});
