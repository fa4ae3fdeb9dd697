/**
 * `MqQueueManager`: a promise-based connection to one IBM MQ queue manager
 * over the `ibmmq` driver, named after IBM's own `MQQueueManager` class: one
 * connection (MQCNO client binding), the queues it opens, gets and puts under
 * syncpoint, commit and backout, and reconnection with backoff. It is the
 * low-level API that `ServerMQ` and `ClientMQ` (the Nest transport's server
 * and `ClientProxy`) are built on. (It was called `MqClient`, which read like
 * a second name for `ClientMQ`.)
 *
 * One instance owns one connection, and an MQ unit of work is scoped to the
 * connection: every get and put made `syncpoint: true` on this client belongs
 * to the same unit of work until {@link MqQueueManager.commit} or
 * {@link MqQueueManager.backout}. When the connection breaks, the queue manager
 * backs that unit of work out; {@link MqQueueManager.reconnect} re-opens every queue
 * so callers keep their {@link MqQueue} references.
 *
 * Note on MQDISC: IBM MQ *commits* a queue-manager-coordinated unit of work
 * on a normal disconnect. {@link MqQueueManager.disconnect} therefore backs out
 * explicitly first, unless told otherwise.
 */
import type { IbmMqDriver, MqHConn, MqHMsg, MqHObj, MQCNO } from '../external/ibmmq.interface';
import { loadIbmMq } from '../driver/ibmmq-loader';
import { isMqDriverError, MqNotConnectedError, MqOperationError, toMqError } from '../errors/mq-errors';
import type { MqConnectionConfig } from './mq-connection-config';
import { backoffDelay, DEFAULT_BACKOFF, sleep, type BackoffPolicy } from './backoff';
import type { MqMessage, MqOutgoingMessage, MqPropertyValue } from './mq-message';
import { readProperties, writeProperties } from './mq-properties';

/** An open queue. The handle inside is replaced on reconnect; keep the reference. */
export interface MqQueue {
  readonly name: string;
  readonly mode: 'input' | 'output';
}

interface OpenQueue extends MqQueue {
  hObj: MqHObj | undefined;
}

/** Options of {@link MqQueueManager}. */
export interface MqQueueManagerOptions {
  readonly connection: MqConnectionConfig;
  /** The `ibmmq` module or a stand-in (`@eda/mq/testing`); loaded lazily from `ibmmq` when omitted. */
  readonly driver?: IbmMqDriver | (() => IbmMqDriver);
  /** Message properties {@link MqQueueManager.get} reads into {@link MqMessage.properties}. Defaults to the W3C trace context. */
  readonly propertyNames?: readonly string[];
  /** Delay between no-wait gets while waiting for a message. Default 100 ms. */
  readonly pollIntervalMs?: number;
  /** Reconnect backoff. */
  readonly backoff?: BackoffPolicy;
}

/** Options of {@link MqQueueManager.get}. */
export interface MqGetOptions {
  /** Part of the current unit of work (default true). */
  readonly syncpoint?: boolean;
  /** How long to wait for a message; 0 (default) returns at once. */
  readonly waitMs?: number;
  /** Ends the wait early (shutdown). */
  readonly signal?: AbortSignal;
}

/** Default properties read on get: W3C trace context, as `ibmmq`'s own OpenTelemetry support names them. */
export const TRACE_PROPERTY_NAMES = ['traceparent', 'tracestate'] as const;

const INITIAL_BUFFER_BYTES = 64 * 1024;

/** See the module comment. */
export class MqQueueManager {
  private driverInstance: IbmMqDriver | undefined;
  private hConn: MqHConn | undefined;
  private getHandle: MqHMsg | undefined;
  private buffer = Buffer.alloc(INITIAL_BUFFER_BYTES);
  private readonly queues: OpenQueue[] = [];
  private readonly propertyNames: readonly string[];
  private readonly pollIntervalMs: number;

  constructor(private readonly options: MqQueueManagerOptions) {
    this.propertyNames = options.propertyNames ?? TRACE_PROPERTY_NAMES;
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
  }

  /** The driver, loaded on first use; throws `MqDriverUnavailableError` without the MQ C client. */
  get driver(): IbmMqDriver {
    if (!this.driverInstance) {
      const given = this.options.driver;
      this.driverInstance = typeof given === 'function' ? given() : (given ?? loadIbmMq());
    }
    return this.driverInstance;
  }

  /** True while a connection handle is held (it may still turn out broken on the next call). */
  get connected(): boolean {
    return this.hConn !== undefined;
  }

  /** Connects with MQCNO_CLIENT_BINDING and re-opens the queues opened before. */
  async connect(): Promise<void> {
    if (this.hConn) return;
    const d = this.driver;
    const hConn = await this.call('CONNX', () =>
      d.ConnxPromise(this.options.connection.queueManager, this.cno()),
    );
    this.hConn = hConn;
    try {
      this.getHandle = this.sync('CRTMH', () => d.CrtMh(hConn, new d.MQCMHO()) as MqHMsg);
      for (const queue of this.queues) queue.hObj = await this.openHandle(queue);
    } catch (err) {
      await this.drop();
      throw err;
    }
  }

  /**
   * Connects, retrying with backoff until it succeeds or `signal` aborts.
   * Every failed attempt is reported to `onFailure` with the delay before the next.
   * @returns true when connected, false when aborted.
   */
  async connectWithRetry(
    signal?: AbortSignal,
    onFailure?: (err: unknown, delayMs: number) => void,
  ): Promise<boolean> {
    const policy = this.options.backoff ?? DEFAULT_BACKOFF;
    for (let attempt = 0; !signal?.aborted; attempt++) {
      try {
        await this.connect();
        return true;
      } catch (err) {
        const fatal = err instanceof MqOperationError ? !err.retriable : true;
        const delay = fatal ? policy.maxDelayMs : backoffDelay(policy, attempt);
        onFailure?.(err, delay);
        await sleep(delay, signal);
      }
    }
    return false;
  }

  /** Drops the connection (after a reason code that says it is gone) and connects again with backoff. */
  async reconnect(
    signal?: AbortSignal,
    onFailure?: (err: unknown, delayMs: number) => void,
  ): Promise<boolean> {
    await this.drop();
    return this.connectWithRetry(signal, onFailure);
  }

  /** Opens `name` for shared input. */
  openInput(name: string): Promise<MqQueue> {
    return this.open(name, 'input');
  }

  /** Opens `name` for output. */
  openOutput(name: string): Promise<MqQueue> {
    return this.open(name, 'output');
  }

  /**
   * Gets the next message, under syncpoint unless told otherwise. Waits up to
   * `waitMs` by polling with no-wait gets (a blocking MQGMO_WAIT would stall
   * the event loop). Resolves `undefined` when none arrived
   * (MQRC_NO_MSG_AVAILABLE). A message larger than the buffer is fetched
   * again with a buffer of its size (MQRC_TRUNCATED_MSG_FAILED leaves it on the queue).
   */
  async get(queue: MqQueue, options: MqGetOptions = {}): Promise<MqMessage | undefined> {
    const deadline = Date.now() + (options.waitMs ?? 0);
    for (;;) {
      const message = this.getOnce(this.handle(queue, 'GET'), options.syncpoint ?? true);
      if (message || Date.now() >= deadline || options.signal?.aborted) return message;
      await sleep(Math.min(this.pollIntervalMs, deadline - Date.now()), options.signal);
    }
  }

  /** Puts `message` to `queue`, under syncpoint unless told otherwise (visible to others only after commit). */
  async put(
    queue: MqQueue,
    message: MqOutgoingMessage,
    options: { syncpoint?: boolean } = {},
  ): Promise<void> {
    const d = this.driver;
    const C = d.MQC;
    const hObj = this.handle(queue, 'PUT');
    const hConn = this.requireConnection('PUT');
    const md = new d.MQMD();
    const pmo = new d.MQPMO();
    md.Persistence = message.persistent === false ? 0 : C.MQPER_PERSISTENT;
    if (message.format !== undefined) md.Format = message.format;
    if (message.correlId) md.CorrelId = Buffer.from(message.correlId);
    if (message.feedback !== undefined) md.Feedback = message.feedback;
    if (message.msgId) md.MsgId = Buffer.from(message.msgId);
    pmo.Options =
      ((options.syncpoint ?? true) ? C.MQPMO_SYNCPOINT : C.MQPMO_NO_SYNCPOINT) |
      C.MQPMO_FAIL_IF_QUIESCING |
      (message.msgId ? 0 : C.MQPMO_NEW_MSG_ID);
    const properties = Object.entries(message.properties ?? {}) as [string, MqPropertyValue][];
    let hMsg: MqHMsg | undefined;
    try {
      if (properties.length > 0) {
        hMsg = this.sync('CRTMH', () => d.CrtMh(hConn, new d.MQCMHO()) as MqHMsg);
        const handle = hMsg;
        this.sync('SETMP', () => writeProperties(d, hConn, handle, properties));
        pmo.OriginalMsgHandle = hMsg;
      }
      await this.call('PUT', () => d.PutPromise(hObj, md, pmo, message.body));
    } finally {
      if (hMsg !== undefined) {
        const handle = hMsg;
        try {
          d.DltMh(hConn, handle, new d.MQDMHO());
        } catch {
          // The handle dies with the connection anyway.
        }
      }
    }
  }

  /** Commits the unit of work: syncpoint gets are removed for good, syncpoint puts become visible. */
  async commit(): Promise<void> {
    const hConn = this.requireConnection('CMIT');
    this.sync('CMIT', () => this.driver.Cmit(hConn));
  }

  /** Backs out the unit of work: gets return to the queue with BackoutCount + 1, puts are discarded. */
  async backout(): Promise<void> {
    const hConn = this.requireConnection('BACK');
    this.sync('BACK', () => this.driver.Back(hConn));
  }

  /** Closes one queue. */
  async close(queue: MqQueue): Promise<void> {
    const open = this.queues.find((q) => q === queue);
    if (!open) return;
    this.queues.splice(this.queues.indexOf(open), 1);
    const hObj = open.hObj;
    open.hObj = undefined;
    if (hObj && this.hConn)
      await this.call('CLOSE', () => this.driver.ClosePromise(hObj, this.driver.MQC.MQCO_NONE));
  }

  /**
   * Disconnects. Backs the unit of work out first unless `commit` is true,
   * because a plain MQDISC would commit it. Never throws for a connection
   * that is already gone.
   */
  async disconnect(options: { commit?: boolean } = {}): Promise<void> {
    if (!this.hConn) return;
    try {
      if (options.commit) await this.commit();
      else await this.backout();
    } catch {
      // A broken connection's unit of work is backed out by the queue manager.
    }
    for (const queue of [...this.queues]) await this.close(queue).catch(() => undefined);
    await this.drop();
  }

  /**
   * The current depth of queue `name` (MQINQ MQIA_CURRENT_Q_DEPTH): opens it
   * for inquire, asks, closes. Needs a connection and the `inq` authority on
   * the queue; rejects with an `MqError` otherwise.
   */
  async queueDepth(name: string): Promise<number> {
    const d = this.driver;
    const C = d.MQC;
    const hConn = this.requireConnection('OPEN');
    const od = new d.MQOD();
    od.ObjectName = name;
    od.ObjectType = C.MQOT_Q;
    const hObj = await this.call('OPEN', () =>
      d.OpenPromise(hConn, od, C.MQOO_INQUIRE | C.MQOO_FAIL_IF_QUIESCING),
    );
    try {
      const selectors = [new d.MQAttr(C.MQIA_CURRENT_Q_DEPTH)];
      let failure: unknown = null;
      this.sync('INQ', () =>
        d.Inq(hObj, selectors, (err) => {
          failure = err;
        }),
      );
      if (failure) throw toMqError(failure, 'INQ');
      return Number(selectors[0]?.value);
    } finally {
      await this.call('CLOSE', () => d.ClosePromise(hObj, C.MQCO_NONE)).catch(() => undefined);
    }
  }

  private async open(name: string, mode: 'input' | 'output'): Promise<MqQueue> {
    const queue: OpenQueue = { name, mode, hObj: undefined };
    if (this.hConn) queue.hObj = await this.openHandle(queue);
    this.queues.push(queue);
    return queue;
  }

  private async openHandle(queue: OpenQueue): Promise<MqHObj> {
    const d = this.driver;
    const C = d.MQC;
    const hConn = this.requireConnection('OPEN');
    const od = new d.MQOD();
    od.ObjectName = queue.name;
    od.ObjectType = C.MQOT_Q;
    const options = (queue.mode === 'input' ? C.MQOO_INPUT_SHARED : C.MQOO_OUTPUT) | C.MQOO_FAIL_IF_QUIESCING;
    return this.call('OPEN', () => d.OpenPromise(hConn, od, options));
  }

  private getOnce(hObj: MqHObj, syncpoint: boolean): MqMessage | undefined {
    const d = this.driver;
    const C = d.MQC;
    for (;;) {
      const md = new d.MQMD();
      const gmo = new d.MQGMO();
      gmo.Options =
        (syncpoint ? C.MQGMO_SYNCPOINT : C.MQGMO_NO_SYNCPOINT) |
        C.MQGMO_NO_WAIT |
        C.MQGMO_FAIL_IF_QUIESCING |
        C.MQGMO_PROPERTIES_IN_HANDLE;
      gmo.MatchOptions = 0; // MQMO_NONE: the next message, whatever its ids
      gmo.MsgHandle = this.getHandle as MqHMsg;
      let failure: unknown = null;
      let length = 0;
      d.GetSync(hObj, md, gmo, this.buffer, (err, dataLength) => {
        failure = err;
        length = dataLength;
      });
      if (isMqDriverError(failure)) {
        if (failure.mqrc === C.MQRC_NO_MSG_AVAILABLE) return undefined;
        if (failure.mqrc === C.MQRC_TRUNCATED_MSG_FAILED && length > this.buffer.length) {
          this.buffer = Buffer.alloc(length);
          continue;
        }
      }
      if (failure) throw toMqError(failure, 'GET');
      const properties = this.sync('INQMP', () =>
        readProperties(d, this.hConn as MqHConn, this.getHandle as MqHMsg, this.propertyNames),
      );
      return {
        body: Buffer.from(this.buffer.subarray(0, length)),
        msgId: Buffer.from(md.MsgId),
        correlId: Buffer.from(md.CorrelId),
        backoutCount: md.BackoutCount,
        format: String(md.Format ?? '').trim(),
        persistent: md.Persistence === C.MQPER_PERSISTENT,
        putTimestamp: putTimestamp(md.PutDate, md.PutTime),
        properties,
      };
    }
  }

  private cno(): MQCNO {
    const d = this.driver;
    const config = this.options.connection;
    const cno = new d.MQCNO();
    cno.Options = d.MQC.MQCNO_CLIENT_BINDING;
    const cd = new d.MQCD();
    cd.ConnectionName = config.connectionName;
    cd.ChannelName = config.channel;
    if (config.cipherSpec) cd.SSLCipherSpec = config.cipherSpec;
    cno.ClientConn = cd;
    if (config.keyRepository) {
      const sco = new d.MQSCO();
      sco.KeyRepository = config.keyRepository;
      cno.SSLConfig = sco;
    }
    if (config.user) {
      const csp = new d.MQCSP();
      csp.UserId = config.user;
      csp.Password = config.password ?? null;
      cno.SecurityParms = csp;
    }
    cno.ApplName = config.applicationName;
    return cno;
  }

  /** Forgets the connection; disconnects it if it is still there (errors ignored). */
  private async drop(): Promise<void> {
    const hConn = this.hConn;
    this.hConn = undefined;
    this.getHandle = undefined;
    for (const queue of this.queues) queue.hObj = undefined;
    if (hConn) await this.driver.DiscPromise(hConn).catch(() => undefined);
  }

  private handle(queue: MqQueue, verb: string): MqHObj {
    const hObj = (queue as OpenQueue).hObj;
    if (!hObj || !this.hConn) throw new MqNotConnectedError(`${verb} on ${queue.name}`);
    return hObj;
  }

  private requireConnection(verb: string): MqHConn {
    if (!this.hConn) throw new MqNotConnectedError(verb);
    return this.hConn;
  }

  private async call<T>(verb: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toMqError(err, verb);
    }
  }

  private sync<T>(verb: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw toMqError(err, verb);
    }
  }
}

/** MQMD PutDate (YYYYMMDD) and PutTime (HHMMSSTH, GMT) as epoch milliseconds, when present. */
function putTimestamp(date: string | null, time: string | null): number | undefined {
  if (!date || !time || !/^\d{8}$/.test(date) || !/^\d{6,8}$/.test(time)) return undefined;
  const iso = `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${time.slice(0, 2)}:${time.slice(2, 4)}:${time.slice(4, 6)}.${(time.slice(6, 8) || '00').padEnd(3, '0')}Z`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}
