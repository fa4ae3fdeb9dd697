/**
 * The state behind the `ibmmq` test double: one queue manager with local
 * queues, connections, and the unit of work of each connection, following
 * the MQI's rules (https://www.ibm.com/docs/en/ibm-mq/latest?topic=calls-mqcmit-commit-changes):
 *
 * - a get under syncpoint removes the message from other getters' view, but
 *   only commit removes it for good; backout returns it to its position in
 *   the queue with MQMD.BackoutCount + 1;
 * - a put under syncpoint is invisible to getters until commit; backout
 *   discards it;
 * - a broken connection (MQRC_CONNECTION_BROKEN and the like) has its unit of
 *   work backed out by the queue manager, as an abnormal end does;
 * - MQDISC *commits* the unit of work (the MQDISC usage notes: "the queue
 *   manager issues the MQCMIT call on behalf of the application").
 *
 * Limits, on purpose: local queues only (no topics, aliases, remote or
 * cluster queues), FIFO delivery (MSGDLVSQ(FIFO); priority is stored, not
 * used), no message expiry, groups or segments, no MQCB/MQCTL async
 * consumers. The driver functions live in `fake-ibmmq.ts`.
 */
import { randomBytes } from 'node:crypto';
import type { MqPropertyValue } from '../client/mq-message';

/** MQMD fields the double stores with each message and returns on get. */
export interface StoredDescriptor {
  MsgId: Buffer;
  CorrelId: Buffer;
  Format: string | null;
  Persistence: number;
  Priority: number;
  Feedback: number;
  Encoding: number;
  CodedCharSetId: number;
  Expiry: number;
  MsgType: number;
  ReplyToQ: string | null;
  PutApplName: string | null;
  PutDate: string;
  PutTime: string;
}

/** A message as the queue manager holds it. */
export interface StoredMessage {
  readonly seq: number;
  readonly body: Buffer;
  readonly md: StoredDescriptor;
  readonly properties: ReadonlyMap<string, MqPropertyValue>;
  backoutCount: number;
}

/** A snapshot of a queued message, for test assertions. */
export interface QueuedMessage {
  readonly body: Buffer;
  readonly text: string;
  readonly backoutCount: number;
  readonly msgId: Buffer;
  readonly feedback: number;
  readonly format: string;
  readonly properties: Readonly<Record<string, MqPropertyValue>>;
}

/** A failure to inject into the next matching calls. */
export interface InjectedFailure {
  /** MQI verb as `MQError.verb` names it: CONNX, OPEN, CLOSE, GET, PUT, CMIT, BACK, DISC. */
  readonly verb: string;
  readonly mqrc: number;
  /** Only calls on this queue (OPEN, GET, PUT). */
  readonly queue?: string;
  /** Let this many matching calls succeed first. Default 0. */
  readonly after?: number;
  /** How many calls fail. Default 1. */
  readonly times?: number;
}

/** Reason codes after which the connection is gone (the double breaks it). */
export const CONNECTION_LOSS_CODES: ReadonlySet<number> = new Set([2009, 2059, 2161, 2162, 2202, 2203, 2538]);

interface Queue {
  readonly name: string;
  readonly maxDepth: number;
  messages: StoredMessage[];
}

interface UnitOfWork {
  gets: { queue: Queue; message: StoredMessage }[];
  puts: { queue: Queue; message: StoredMessage }[];
}

/** One MQCONNX. */
export interface FakeConnection {
  readonly id: number;
  broken: boolean;
  readonly uow: UnitOfWork;
  readonly handles: Map<bigint, Map<string, MqPropertyValue>>;
}

/** Options of {@link FakeQueueManager}. */
export interface FakeQueueManagerOptions {
  /** Server-connection channels clients may use; any when omitted. */
  readonly channels?: readonly string[];
  /** user → password; when set, clients must authenticate with MQCSP (else MQRC_NOT_AUTHORIZED). */
  readonly users?: Readonly<Record<string, string>>;
}

/** See the module comment. */
export class FakeQueueManager {
  private readonly queues = new Map<string, Queue>();
  private readonly connections = new Map<number, FakeConnection>();
  private failures: (InjectedFailure & { seen: number; left: number })[] = [];
  private nextConnection = 1;
  private nextSeq = 1;
  private nextHandle = 1n;
  private running = true;

  constructor(
    readonly name = 'QM1',
    readonly options: FakeQueueManagerOptions = {},
  ) {}

  /** DEFINE QLOCAL(name) MAXDEPTH(maxDepth). */
  defineQueue(name: string, options: { maxDepth?: number } = {}): this {
    if (!this.queues.has(name))
      this.queues.set(name, { name, maxDepth: options.maxDepth ?? 5000, messages: [] });
    return this;
  }

  /** Committed messages available to getters (CURDEPTH minus messages locked by a unit of work). */
  depth(queue: string): number {
    return this.queue(queue).messages.length;
  }

  /** The committed, available messages of `queue`, oldest first (like a browse). */
  browse(queue: string): QueuedMessage[] {
    return this.queue(queue).messages.map((m) => ({
      body: Buffer.from(m.body),
      text: m.body.toString('utf8'),
      backoutCount: m.backoutCount,
      msgId: Buffer.from(m.md.MsgId),
      feedback: m.md.Feedback,
      format: (m.md.Format ?? '').trim(),
      properties: Object.fromEntries(m.properties),
    }));
  }

  /** Live (not broken, not disconnected) connections. */
  get connectionCount(): number {
    return [...this.connections.values()].filter((c) => !c.broken).length;
  }

  /** Makes the next matching calls fail with `mqrc`; a connection-loss code also breaks the connection. */
  failNext(failure: InjectedFailure): this {
    this.failures.push({ ...failure, seen: 0, left: failure.times ?? 1 });
    return this;
  }

  /** Breaks every connection now, as a network cut or a queue manager failover would. */
  breakConnections(): void {
    for (const connection of this.connections.values()) this.breakConnection(connection);
  }

  /** endmqm: breaks every connection and refuses new ones (MQRC_Q_MGR_NOT_AVAILABLE) until {@link start}. */
  stop(): void {
    this.running = false;
    this.breakConnections();
  }

  /** strmqm. */
  start(): void {
    this.running = true;
  }

  // ---- used by the driver functions (fake-ibmmq.ts) -------------------------------------------

  /** @internal MQCONNX. Returns the connection or a reason code. */
  connect(
    qmgrName: string,
    channel: string | null,
    user: string | null,
    password: string | null,
  ): FakeConnection | number {
    if (qmgrName !== '' && qmgrName !== this.name) return 2058; // MQRC_Q_MGR_NAME_ERROR
    if (!this.running) return 2059; // MQRC_Q_MGR_NOT_AVAILABLE
    if (this.options.channels && channel !== null && !this.options.channels.includes(channel)) return 2540;
    if (this.options.users && (!user || this.options.users[user] !== password)) return 2035;
    const connection: FakeConnection = {
      id: this.nextConnection++,
      broken: false,
      uow: { gets: [], puts: [] },
      handles: new Map(),
    };
    this.connections.set(connection.id, connection);
    return connection;
  }

  /** @internal The connection of an hConn, if it exists. */
  connection(id: number): FakeConnection | undefined {
    return this.connections.get(id);
  }

  /** @internal MQDISC: commits the unit of work, then forgets the connection. */
  disconnect(connection: FakeConnection): void {
    if (!connection.broken) this.commit(connection);
    this.connections.delete(connection.id);
  }

  /** @internal The injected failure for this call, if any (and breaks the connection for loss codes). */
  injected(verb: string, connection: FakeConnection | undefined, queue?: string): number | undefined {
    const failure = this.failures.find(
      (f) => f.verb === verb && (f.queue === undefined || f.queue === queue),
    );
    if (!failure) return undefined;
    failure.seen++;
    if (failure.seen <= (failure.after ?? 0)) return undefined;
    if (--failure.left <= 0) this.failures = this.failures.filter((f) => f !== failure);
    if (connection && CONNECTION_LOSS_CODES.has(failure.mqrc)) this.breakConnection(connection);
    return failure.mqrc;
  }

  /** @internal */
  hasQueue(name: string): boolean {
    return this.queues.has(name);
  }

  /** @internal MQGET: the next available message, moved into the unit of work when `syncpoint`. */
  take(connection: FakeConnection, queueName: string, syncpoint: boolean): StoredMessage | undefined {
    const queue = this.queue(queueName);
    const message = queue.messages.shift();
    if (message && syncpoint) connection.uow.gets.push({ queue, message });
    return message;
  }

  /** @internal Leaves a message that was too big for the caller's buffer where it was. */
  untake(connection: FakeConnection, queueName: string, message: StoredMessage, syncpoint: boolean): void {
    const queue = this.queue(queueName);
    if (syncpoint) connection.uow.gets = connection.uow.gets.filter((g) => g.message !== message);
    queue.messages.unshift(message);
  }

  /** @internal MQPUT: returns a reason code when the queue is full. */
  store(
    connection: FakeConnection | undefined,
    queueName: string,
    body: Buffer,
    md: StoredDescriptor,
    properties: ReadonlyMap<string, MqPropertyValue>,
    syncpoint: boolean,
  ): number | undefined {
    const queue = this.queue(queueName);
    const pending = connection?.uow.puts.filter((p) => p.queue === queue).length ?? 0;
    if (queue.messages.length + pending >= queue.maxDepth) return 2053; // MQRC_Q_FULL
    const message: StoredMessage = { seq: this.nextSeq++, body, md, properties, backoutCount: 0 };
    if (syncpoint && connection) connection.uow.puts.push({ queue, message });
    else queue.messages.push(message);
    return undefined;
  }

  /** @internal MQCMIT. */
  commit(connection: FakeConnection): void {
    for (const { queue, message } of connection.uow.puts) queue.messages.push(message);
    connection.uow.gets = [];
    connection.uow.puts = [];
  }

  /** @internal MQBACK: gets return to their place with BackoutCount + 1; puts vanish. */
  backout(connection: FakeConnection): void {
    for (const { queue, message } of connection.uow.gets) {
      message.backoutCount++;
      const at = queue.messages.findIndex((m) => m.seq > message.seq);
      queue.messages.splice(at === -1 ? queue.messages.length : at, 0, message);
    }
    connection.uow.gets = [];
    connection.uow.puts = [];
  }

  /** @internal MQCRTMH. */
  createHandle(connection: FakeConnection): bigint {
    const handle = this.nextHandle++;
    connection.handles.set(handle, new Map());
    return handle;
  }

  /** @internal A new MsgId: 24 bytes, "AMQ " and the queue manager name, then unique bytes. */
  newMsgId(): Buffer {
    const id = Buffer.alloc(24, 0x20);
    id.write(`AMQ ${this.name}`.slice(0, 12), 0, 'latin1');
    randomBytes(12).copy(id, 12);
    return id;
  }

  private breakConnection(connection: FakeConnection): void {
    if (connection.broken) return;
    connection.broken = true;
    this.backout(connection);
    connection.handles.clear();
  }

  private queue(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`FakeQueueManager ${this.name} has no queue ${name}; call defineQueue first`);
    return queue;
  }
}
