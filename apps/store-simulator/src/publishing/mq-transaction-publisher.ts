/**
 * The IBM MQ backend: each batch of `ItemTransaction`s is put to the MQ
 * bridge's input queue in one unit of work (all committed, or none), one
 * persistent JSON text message per transaction: `JSON.stringify` of the
 * record, exactly what the bridge parses and validates
 * (apps/mq-bridge/src/bridge/item-transaction-parser.ts). The active trace
 * context (the run's `simulation.batch` span) travels in the `traceparent`
 * and `tracestate` message properties, which the bridge turns into Kafka headers.
 *
 * Nothing happens at start-up: `ibmmq` loads, and the queue manager is
 * connected, on the first `mq` simulation, so neither a missing MQ C client
 * nor an unreachable queue manager affects the Kafka backend or readiness.
 * After a connection-broken reason code (2009 and the rest of `@eda/mq`'s
 * `reconnect` class) the queue manager has backed the batch out; the error is
 * retriable, the run resends the batch within `SIMULATOR_RETRY_BUDGET_MS`, and
 * `ClientMQ` reconnects on that next call.
 */
import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { ItemTransaction } from '@eda/events';
import {
  ClientMQ,
  describeMqConnection,
  MqDriverUnavailableError,
  MqTransportError,
  type IbmMqDriver,
  type MqQueueManager,
} from '@eda/mq';
import { mqConfig, MQ_ENABLING_VARIABLES, type MqSettings } from '../config/mq.config';
import type { TransactionPublisher } from './transaction-publisher';

/**
 * Nest token of the `ibmmq` module to use instead of loading it. Only tests
 * provide it (`serve({ mqDriver })` with `@eda/mq/testing`); no environment
 * variable can select the test double.
 */
export const MQ_DRIVER = Symbol('MQ_DRIVER');

/** What `/health/ready` shows under `mq` (a detail only: MQ never makes the simulator unready). */
export interface MqBackendHealth {
  /**
   * `disabled` (no MQ variable set), `idle` (configured, never used),
   * `connected`, or `disconnected` (used before; connects again on the next batch).
   */
  readonly state: 'disabled' | 'idle' | 'connected' | 'disconnected';
  readonly queue?: string;
  readonly connection?: string;
  /** The last failure of a batch, until a batch succeeds. */
  readonly lastError?: string;
}

/** The MQ C client is missing where the simulator runs. Not retriable: the run fails with this message. */
export class MqBackendUnavailableError extends MqTransportError {
  constructor(cause: MqDriverUnavailableError) {
    super(
      'EDA_SIMULATOR_MQ_CLIENT_MISSING',
      `backend "mq" cannot send: the IBM MQ C client (libmqm_r) is not installed where the simulator runs. ` +
        `Install the IBM MQ redistributable client (MQ_INSTALLATION_PATH, LD_LIBRARY_PATH), or use backend "kafka". ` +
        `(${cause.message})`,
      { retriable: false, cause },
    );
  }
}

/** Puts transactions to the MQ bridge's input queue. */
@Injectable()
export class MqTransactionPublisher implements TransactionPublisher, OnApplicationShutdown {
  readonly backend = 'mq' as const;
  readonly destination: string;
  private readonly logger = new Logger(MqTransactionPublisher.name);
  private client: ClientMQ | undefined;
  private lastError: string | undefined;
  /**
   * Set once `ibmmq` failed to load. Installing the C client needs a restart
   * anyway, and every attempt would print ibmmq's own multi-line complaint to stderr.
   */
  private driverMissing: MqBackendUnavailableError | undefined;
  private closed = false;

  constructor(
    @Inject(mqConfig.KEY) private readonly settings: MqSettings,
    @Optional() @Inject(MQ_DRIVER) private readonly driver?: IbmMqDriver | (() => IbmMqDriver),
  ) {
    this.destination = settings.enabled ? settings.queue : '(MQ not configured)';
  }

  /** True when the MQ variables are set, so simulations may choose this backend. */
  get enabled(): boolean {
    return this.settings.enabled;
  }

  /** Puts `batch` in one unit of work and commits; rejects with `retriable` set as `@eda/mq` classifies the reason code. */
  async publish(batch: readonly ItemTransaction[]): Promise<void> {
    if (this.driverMissing) throw this.driverMissing;
    try {
      await this.connection().emitBatch(this.destination, batch);
      this.lastError = undefined;
    } catch (err) {
      if (err instanceof MqDriverUnavailableError) this.driverMissing = new MqBackendUnavailableError(err);
      const error = this.driverMissing ?? err;
      this.lastError = error instanceof Error ? error.message : String(error);
      throw error;
    }
  }

  /** The backend's state for `/health/ready`. */
  health(): MqBackendHealth {
    if (!this.settings.enabled) return { state: 'disabled' };
    const connected = this.client?.unwrap<MqQueueManager>().connected ?? false;
    return {
      state: this.client === undefined ? 'idle' : connected ? 'connected' : 'disconnected',
      queue: this.settings.queue,
      connection: describeMqConnection(this.settings.connection),
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  /** Backs out anything pending (nothing is: every batch commits or backs out) and disconnects. */
  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.client
      ?.close()
      .catch((err: Error) => this.logger.warn(`MQ disconnect failed: ${err.message}`));
  }

  /** The client, created on first use: the driver loads and the connection opens inside its first call. */
  private connection(): ClientMQ {
    if (!this.settings.enabled) {
      throw new MqTransportError(
        'EDA_SIMULATOR_MQ_NOT_CONFIGURED',
        `backend "mq" is not configured: set ${MQ_ENABLING_VARIABLES.join(' or ')} (and MQ_CHANNEL)`,
      );
    }
    if (this.closed) {
      throw new MqTransportError('EDA_SIMULATOR_MQ_CLOSED', 'backend "mq" is shutting down', {
        retriable: false,
      });
    }
    if (!this.client) {
      this.logger.log(
        `MQ backend: queue ${this.settings.queue}, ${describeMqConnection(this.settings.connection)}`,
      );
      this.client = new ClientMQ({
        connection: this.settings.connection,
        ...(this.driver ? { driver: this.driver } : {}),
      });
    }
    return this.client;
  }
}
