import type { ParetoPoint } from './types.js';

/**
 * Non-dominated assignments by (average bits: lower is better, accuracy: higher is better),
 * kept sorted by ascending average bits.
 */
export class ParetoFront {
  private points: ParetoPoint[] = [];

  /** Adds a point; returns true when it joined the front. */
  add(point: ParetoPoint): boolean {
    const dominated = this.points.some((p) =>
      (p.averageBits <= point.averageBits && p.accuracy >= point.accuracy));
    if (dominated) return false;
    this.points = this.points.filter((p) => !(point.averageBits <= p.averageBits && point.accuracy >= p.accuracy));
    this.points.push({ bits: [...point.bits], accuracy: point.accuracy, averageBits: point.averageBits });
    this.points.sort((a, b) => a.averageBits - b.averageBits || b.accuracy - a.accuracy);
    return true;
  }

  list(): ParetoPoint[] {
    return this.points.map((p) => ({ ...p, bits: [...p.bits] }));
  }

  static from(points: readonly ParetoPoint[]): ParetoFront {
    const front = new ParetoFront();
    for (const p of points) front.add(p);
    return front;
  }
}
