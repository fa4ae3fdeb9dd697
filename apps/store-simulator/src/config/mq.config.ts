/**
 * The `mq` namespace: the optional IBM MQ backend. It is on when `MQ_QMGR`
 * or `MQ_CONN_NAME` is set, and then validated as strictly as the Kafka
 * settings, through `@eda/mq`'s own parser, so the variable names and rules
 * are the MQ bridge's. Off, `backend: "mq"` answers 501 naming these variables.
 *
 * | variable                              | default     | meaning                                         |
 * |---------------------------------------|-------------|-------------------------------------------------|
 * | `MQ_QMGR`, `MQ_CONN_NAME`, `MQ_CHANNEL` | unset (off) | queue manager, `host(port)`, SVRCONN channel    |
 * | `MQ_USER`, `MQ_PASSWORD_FILE` / `MQ_PASSWORD` | unset | credentials (MQCSP)                             |
 * | `MQ_CIPHER_SPEC`, `MQ_KEY_REPOSITORY` | unset       | TLS                                             |
 * | `MQ_APPL_NAME`                        | `store-simulator` | shown by `DISPLAY CONN`                   |
 * | `MQ_QUEUE`                            | `DEV.ITEMS` | the MQ bridge's input queue                     |
 */
import { registerAs, type ConfigType } from '@nestjs/config';
import { mqConnectionConfigFromEnv, MqConfigError, type MqConnectionConfig } from '@eda/mq';

/** The variables that turn the MQ backend on (either one), named by the 501 that answers when both are unset. */
export const MQ_ENABLING_VARIABLES = ['MQ_QMGR', 'MQ_CONN_NAME'] as const;

/** The bridge's input queue in compose and the IBM MQ developer image (gitops/platform/ibm-mq). */
export const DEFAULT_MQ_QUEUE = 'DEV.ITEMS';

/** Settings of a configured MQ backend. */
export interface MqBackendSettings {
  readonly enabled: true;
  readonly connection: MqConnectionConfig;
  /** Queue the transactions are put to. */
  readonly queue: string;
}

/** The MQ backend is off: no MQ variable is set. */
export interface MqBackendDisabled {
  readonly enabled: false;
}

/** What the `mq` namespace holds. */
export type MqSettings = MqBackendSettings | MqBackendDisabled;

const QUEUE_NAME = /^[A-Za-z0-9._/%]{1,48}$/;

/**
 * Reads the `mq` namespace from `env`. Exported for tests; the app uses {@link mqConfig}.
 * @throws MqConfigError naming the variable, when MQ is on and a value is missing or malformed.
 */
export function mqSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): MqSettings {
  if (!MQ_ENABLING_VARIABLES.some((name) => env[name]?.trim())) return { enabled: false };
  const connection = mqConnectionConfigFromEnv(env, 'store-simulator');
  const queue = env['MQ_QUEUE']?.trim() || DEFAULT_MQ_QUEUE;
  if (!QUEUE_NAME.test(queue)) {
    throw new MqConfigError(
      'MQ_QUEUE',
      `must be an MQ queue name (up to 48 of A-Z a-z 0-9 . _ / %), got "${queue}"`,
    );
  }
  return { enabled: true, connection, queue };
}

/** `mq` namespace: the optional IBM MQ backend (see the module comment). */
export const mqConfig = registerAs('mq', () => mqSettingsFromEnv());

/** Settings of the `mq` namespace. */
export type MqConfig = ConfigType<typeof mqConfig>;
