/**
 * Connecting a client without holding up start-up: an app that produces to
 * Kafka starts, answers its probes, and reports "not ready" while Kafka is
 * unreachable, instead of crashing into a restart loop. The connector keeps
 * trying in the background and lets a caller that needs the connection
 * (a send) wait for the current attempt.
 */

/** A client that connects once: a kafkajs `Producer`, `Admin` or `Consumer`. */
export interface ConnectableClient {
  connect(): Promise<void>;
}

/** Pause between background connection attempts while Kafka is unreachable. */
export const DEFAULT_RECONNECT_DELAY_MS = 5000;

/** Options of {@link BackgroundConnector}. */
export interface BackgroundConnectorOptions {
  /** Pause after a failed attempt before the next one; {@link DEFAULT_RECONNECT_DELAY_MS} by default. */
  readonly reconnectDelayMs?: number;
  /** Told of every failed attempt, for the log line that says which cluster is unreachable. */
  readonly onError?: (err: Error) => void;
}

/**
 * Connects `client` once, sharing the attempt and retrying in the background:
 *
 * - {@link connect} starts an attempt, or joins the one in flight, so concurrent
 *   callers never open two connections;
 * - a failed attempt rejects its callers, is reported to `onError`, and schedules
 *   the next one after `reconnectDelayMs`, on a timer that does not keep the
 *   process alive;
 * - {@link close} stops the retries; it does not disconnect the client, which stays
 *   its owner's to disconnect.
 *
 * A successful attempt is kept: kafkajs reconnects a connected client by itself.
 */
export class BackgroundConnector {
  private connecting: Promise<void> | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly reconnectDelayMs: number;

  constructor(
    private readonly client: ConnectableClient,
    private readonly options: BackgroundConnectorOptions = {},
  ) {
    this.reconnectDelayMs = options.reconnectDelayMs ?? DEFAULT_RECONNECT_DELAY_MS;
  }

  /** Starts connecting and returns at once; failures are reported to `onError` and retried. */
  start(): void {
    void this.connect().catch(() => undefined);
  }

  /** Resolves once connected; rejects with the error of the attempt it joined (the next one is scheduled). */
  connect(): Promise<void> {
    this.connecting ??= this.client.connect().catch((err: Error) => {
      this.connecting = undefined;
      this.options.onError?.(err);
      if (!this.closed) {
        this.reconnectTimer = setTimeout(() => this.start(), this.reconnectDelayMs);
        this.reconnectTimer.unref();
      }
      throw err;
    });
    return this.connecting;
  }

  /** Stops retrying: no attempt starts after this. An attempt in flight still settles; see {@link settled}. */
  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
  }

  /**
   * Resolves when the attempt in flight, if any, has settled, whatever its outcome.
   * Await it before disconnecting: a connect finishing after the disconnect would leave a socket open.
   */
  async settled(): Promise<void> {
    await this.connecting?.catch(() => undefined);
  }
}
