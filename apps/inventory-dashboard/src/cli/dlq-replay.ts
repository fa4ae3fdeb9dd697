/**
 * `nx run @eda/inventory-dashboard:dlq-replay --dlq store.inventory.dlq [--dry-run] ...`
 *
 * Reads a dead-letter topic up to its current end and re-publishes the
 * matching records to their original topic (`@eda/kafka`'s
 * `replayDeadLetters`). Prints one line per dead letter and a summary. Replay
 * only after fixing the cause: a record that fails again goes back to the DLQ.
 */
import { logLevel } from 'kafkajs';
import {
  createIdempotentProducer,
  createKafkaClient,
  kafkaConfigFromEnv,
  replayDeadLetters,
  type ReplayedRecord,
} from '@eda/kafka';
import {
  DlqReplayArgumentsError,
  parseDlqReplayArguments,
  USAGE,
  type DlqReplayRequest,
} from './dlq-replay-arguments';
import { DLQ_REPLAYER_PRINCIPAL, replayGroupPrefix } from '../config/kafka-access';

/** Runs a replay; exported for the integration test. */
export async function runDlqReplay(
  request: DlqReplayRequest,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ReplayedRecord[]> {
  // The CLI's output is its report; kafkajs speaks up only on errors.
  // On a secured cluster this runs as the `dlq-replayer` KafkaUser, whose ACLs are
  // generated from ../config/kafka-access.ts (npm run acl:generate).
  const kafka = createKafkaClient(kafkaConfigFromEnv(env, DLQ_REPLAYER_PRINCIPAL), {
    logLevel: logLevel.ERROR,
  });
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  try {
    // The dlq-replayer principal may use groups with this prefix only.
    const groupPrefix = replayGroupPrefix(env);
    return await replayDeadLetters({
      kafka,
      producer,
      deadLetterTopic: request.deadLetterTopic,
      groupId: `${groupPrefix}-${Date.now().toString(36)}`,
      filter: request.filter,
      dryRun: request.dryRun,
    });
  } finally {
    await producer.disconnect();
  }
}

/** One line per dead letter, then a summary. */
export function formatReplay(records: readonly ReplayedRecord[], dryRun: boolean): string {
  const verb = dryRun ? 'would replay' : 'replayed';
  const lines = records.map(
    (r) =>
      `${r.replayed ? verb : 'skipped'}  dlq ${r.partition}@${r.offset}  key=${r.key ?? '(null)'}  ` +
      `from ${r.failure.topic} ${r.failure.partition}@${r.failure.offset}  attempts=${r.failure.attempts}  ` +
      `${r.failure.errorClass}: ${r.failure.errorMessage.slice(0, 200)}`,
  );
  const replayed = records.filter((r) => r.replayed).length;
  lines.push(
    `summary: ${verb} ${replayed} of ${records.length} dead letters${dryRun ? ' (dry run: nothing sent)' : ''}`,
  );
  return lines.join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  let request;
  try {
    request = parseDlqReplayArguments(argv);
  } catch (err) {
    if (!(err instanceof DlqReplayArgumentsError)) throw err;
    console.error(`dlq-replay: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (!request) {
    console.log(USAGE);
    return 0;
  }
  console.log(formatReplay(await runDlqReplay(request), request.dryRun));
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`dlq-replay failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
