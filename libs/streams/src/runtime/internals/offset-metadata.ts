/**
 * What a task writes beside each committed input offset: the partition's
 * time (the highest record timestamp the task processed from it), so a task
 * that restarts resumes with the stream time its last commit had, never a
 * later one and never -1. Kafka Streams does the same (its commit metadata
 * carries the partition time since KAFKA-7994), so that "late" means
 * the same before and after a crash, a rebalance or a broker outage.
 *
 * The format is ours and versioned: `eda-streams/1 pt=<ms>`. Anything else
 * (an empty string, another client's metadata) reads as "unknown".
 */
const PREFIX = 'eda-streams/1 pt=';

/** Metadata for a committed offset whose partition time is `partitionTime` (-1: none seen yet). */
export function encodeOffsetMetadata(partitionTime: number): string | null {
  return partitionTime < 0 ? null : `${PREFIX}${partitionTime}`;
}

/** The partition time in committed-offset metadata, or undefined when it carries none. */
export function decodePartitionTime(metadata: string | null | undefined): number | undefined {
  if (metadata === null || metadata === undefined || !metadata.startsWith(PREFIX)) return undefined;
  const digits = metadata.slice(PREFIX.length);
  const value = /^\d{1,16}$/.test(digits) ? Number(digits) : Number.NaN;
  return Number.isSafeInteger(value) ? value : undefined;
}
