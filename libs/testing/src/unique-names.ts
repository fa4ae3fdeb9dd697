import { randomBytes } from 'node:crypto';

/**
 * A topic, group or subject name no other test run uses: `<prefix>-<time>-<random>`.
 * Tests share one broker, so every name they create must be unique.
 */
export function uniqueName(prefix: string): string {
  const safe = prefix.replace(/[^a-zA-Z0-9._-]/g, '-');
  return `it.${safe}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}
