/**
 * A small seeded pseudo-random source (mulberry32): the same seed always gives
 * the same sequence, on every platform and Node version, which is what makes a
 * simulation replayable. Not for anything security-related.
 *
 * mulberry32 has a 2^32 period and passes gjrand's and PractRand's basic tests
 * at the sizes a simulation draws; see https://gist.github.com/tommyettinger/46a874533244883189143505d203312c.
 */
export class SeededRandom {
  private state: number;

  /** @param seed any unsigned 32-bit integer; other numbers are reduced modulo 2^32. */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }

  /**
   * A version-4-shaped UUID (RFC 9562 layout: version nibble 4, variant 10)
   * whose 122 random bits come from this sequence, so a replay reproduces it.
   */
  uuid(): string {
    const bytes = Buffer.allocUnsafe(16);
    for (let i = 0; i < 16; i += 4) {
      bytes.writeUInt32BE(this.nextUint32(), i);
    }
    bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
    bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}
