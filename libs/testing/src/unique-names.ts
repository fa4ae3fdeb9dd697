import { randomBytes } from 'node:crypto';

let sequence = 0;

/**
 * A topic, group or subject name no other test run uses: `<prefix>-<time>-<random>-<sequence>`.
 * Tests share one broker, so every name they create must be unique. The sequence makes names
 * unique within a process (random bytes alone collide: 1,000 names drawn from 24 bits in the same
 * millisecond repeat about 3% of the time); time and random bytes keep processes and runs apart.
 */
export function uniqueName(prefix: string): string {
  const safe = prefix.replace(/[^a-zA-Z0-9._-]/g, '-');
  sequence += 1;
  return `it.${safe}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}-${sequence.toString(36)}`;
}
