import { SeededRandom } from './seeded-random';

describe('SeededRandom', () => {
  it('gives the same sequence for the same seed, and another for another seed', () => {
    const draw = (seed: number) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 50 }, () => random.nextUint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('is pinned: these values must never change, or replays stop matching old data', () => {
    const random = new SeededRandom(42);
    expect([random.nextUint32(), random.nextUint32(), random.nextUint32()]).toMatchInlineSnapshot(`
     [
       2581720956,
       1925393290,
       3661312704,
     ]
    `);
    expect(new SeededRandom(7).uuid()).toMatchInlineSnapshot(`"02ff152c-0fdc-4f12-ba16-9e5eb2f38b96"`);
  });

  it('keeps int() within its inclusive bounds and reaches both ends', () => {
    const random = new SeededRandom(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const value = random.int(3, 7);
      expect(value).toBeGreaterThanOrEqual(3);
      expect(value).toBeLessThanOrEqual(7);
      seen.add(value);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it('makes RFC 9562 version-4-shaped uuids', () => {
    const random = new SeededRandom(9);
    for (let i = 0; i < 100; i++) {
      expect(random.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});
