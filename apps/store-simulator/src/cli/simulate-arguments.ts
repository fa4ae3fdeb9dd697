/**
 * Command-line arguments of `simulate`, validated with the same rules as the
 * HTTP body, so `--count 0` fails with the same message `count: 0` gets.
 */
import { parseArgs } from 'node:util';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { StartSimulationDto } from '../simulations/dto/start-simulation.dto';
import { EdaError } from '@eda/base';

/** Usage text printed on `--help` and on a bad argument. */
export const USAGE = `Usage: simulate --count N [--seed S] [--rate R] [--stores K] [--skus M] [--backend kafka|mq]

Sends N deterministic ItemTransactions and exits: to Kafka (ITEMS_TOPIC, default items), or with
--backend mq to the IBM MQ queue the mq-bridge reads (MQ_QUEUE, default DEV.ITEMS).
  --count N    transactions to send (required)
  --seed S     scenario seed, 0..4294967295; the same seed sends the same transactions (random if omitted)
  --rate R     transactions per second (as fast as acknowledged if omitted)
  --stores K   number of stores (default 5)
  --skus M     number of items (default 20)
  --backend B  kafka (default) or mq (needs MQ_QMGR/MQ_CONN_NAME/MQ_CHANNEL and the IBM MQ C client)
Environment: the same variables as the service (KAFKA_*, SCHEMA_REGISTRY_*, ITEMS_TOPIC, MQ_*, LOG_LEVEL).`;

/** A bad command line; the message says which argument. */
export class SimulateArgumentsError extends EdaError {
  constructor(message: string) {
    // Not retriable: the same command line fails the same way.
    super('EDA_SIMULATE_ARGUMENTS', message);
  }
}

/** Parses and validates `argv` (without node and script). Returns undefined for `--help`. */
export function parseSimulateArguments(argv: readonly string[]): StartSimulationDto | undefined {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        count: { type: 'string' },
        seed: { type: 'string' },
        rate: { type: 'string' },
        stores: { type: 'string' },
        skus: { type: 'string' },
        backend: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new SimulateArgumentsError((err as Error).message);
  }
  if (values['help']) return undefined;
  if (values['count'] === undefined) throw new SimulateArgumentsError('--count is required');
  const numeric = (name: string) => (values[name] === undefined ? undefined : Number(values[name]));
  const body = plainToInstance(StartSimulationDto, {
    backend: values['backend'] ?? 'kafka',
    count: numeric('count'),
    seed: numeric('seed'),
    ratePerSec: numeric('rate'),
    stores: numeric('stores'),
    skus: numeric('skus'),
  });
  const errors = validateSync(body, { skipUndefinedProperties: true });
  if (errors.length > 0) {
    const messages = errors.flatMap((e) => Object.values(e.constraints ?? {}));
    throw new SimulateArgumentsError(messages.join('; ').replace(/\bratePerSec\b/g, 'rate'));
  }
  return body;
}
