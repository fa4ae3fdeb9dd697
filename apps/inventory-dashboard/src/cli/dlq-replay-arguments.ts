/**
 * Command-line arguments of `dlq-replay`. Kept apart from the runner so they
 * are unit-tested without Kafka.
 */
import { parseArgs } from 'node:util';
import type { DeadLetterFilter } from '@eda/kafka';
import { EdaError } from '@eda/base';

/** Usage text printed on `--help` and on a bad argument. */
export const USAGE = `Usage: dlq-replay --dlq TOPIC [--original-topic T] [--error-class C] [--key K] [--from-offset N] [--limit N] [--dry-run]

Re-publishes dead letters of TOPIC (e.g. store.inventory.dlq) to the topic they came from,
with their original key, value and headers (the eda.* failure headers removed).
  --dlq TOPIC          the dead-letter topic to read (required)
  --original-topic T   only records that came from T
  --error-class C      only records that failed with C (e.g. UnknownSchemaIdError)
  --key K              only records with key K
  --from-offset N      only records at DLQ offset N or later
  --limit N            replay at most N records
  --dry-run            list what would be replayed; send nothing
Environment: KAFKA_* (the principal needs Write on the original topics), DASHBOARD_APPLICATION_ID.
Exit status: 0 done, 1 failed, 2 bad arguments.`;

/** A bad command line; the message says which argument. */
export class DlqReplayArgumentsError extends EdaError {
  constructor(message: string) {
    // Not retriable: the same command line fails the same way.
    super('EDA_DLQ_REPLAY_ARGUMENTS', message);
  }
}

/** What to replay. */
export interface DlqReplayRequest {
  readonly deadLetterTopic: string;
  readonly filter: DeadLetterFilter;
  readonly dryRun: boolean;
}

/** Parses `argv` (without node and script). Returns undefined for `--help`. */
export function parseDlqReplayArguments(argv: readonly string[]): DlqReplayRequest | undefined {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        dlq: { type: 'string' },
        'original-topic': { type: 'string' },
        'error-class': { type: 'string' },
        key: { type: 'string' },
        'from-offset': { type: 'string' },
        limit: { type: 'string' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new DlqReplayArgumentsError((err as Error).message);
  }
  if (values['help']) return undefined;
  const dlq = values['dlq'];
  if (typeof dlq !== 'string' || !/^[A-Za-z0-9._-]+$/.test(dlq)) {
    throw new DlqReplayArgumentsError('--dlq TOPIC is required, e.g. --dlq store.inventory.dlq');
  }
  const count = (name: string, min: number): number | undefined => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min)
      throw new DlqReplayArgumentsError(`--${name} must be an integer >= ${min}, got "${String(raw)}"`);
    return n;
  };
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const filter: DeadLetterFilter = {
    ...(text('original-topic') === undefined ? {} : { originalTopic: text('original-topic') }),
    ...(text('error-class') === undefined ? {} : { errorClass: text('error-class') }),
    ...(text('key') === undefined ? {} : { key: text('key') }),
    ...(count('from-offset', 0) === undefined ? {} : { fromOffset: count('from-offset', 0) }),
    ...(count('limit', 1) === undefined ? {} : { limit: count('limit', 1) }),
  };
  return { deadLetterTopic: dlq, filter, dryRun: values['dry-run'] === true };
}
