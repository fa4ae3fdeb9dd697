/**
 * Tracks a kafkajs producer's or consumer's lifecycle from its instrumentation
 * events, because kafkajs exposes no "is connected" getter. Health indicators
 * read the state; nothing here touches the network.
 */
import type { Consumer, Producer } from 'kafkajs';

/** Lifecycle states a readiness check cares about. */
export type ClientState =
  | 'idle'
  | 'connected'
  | 'disconnected'
  /** Consumer: joined its group and owns partitions (or none, legitimately). */
  | 'joined'
  | 'rebalancing'
  | 'stopped'
  /** Consumer: kafkajs gave up (non-retriable error, or retries exhausted). */
  | 'crashed';

/** A snapshot of a client's state with the time and reason of the last change. */
export interface ClientStateSnapshot {
  readonly state: ClientState;
  readonly since: Date;
  /** Set when the client crashed: the error message kafkajs reported. */
  readonly error?: string;
}

/** Listens to one client's events; create it before `connect()` so no event is missed. */
export class ClientStateProbe {
  private snapshot: ClientStateSnapshot = { state: 'idle', since: new Date() };

  /** Attaches to a producer. */
  static forProducer(producer: Producer): ClientStateProbe {
    const probe = new ClientStateProbe();
    producer.on(producer.events.CONNECT, () => probe.set('connected'));
    producer.on(producer.events.DISCONNECT, () => probe.set('disconnected'));
    return probe;
  }

  /** Attaches to a consumer. */
  static forConsumer(consumer: Consumer): ClientStateProbe {
    const probe = new ClientStateProbe();
    const { events } = consumer;
    consumer.on(events.CONNECT, () => probe.set('connected'));
    consumer.on(events.GROUP_JOIN, () => probe.set('joined'));
    consumer.on(events.REBALANCING, () => probe.set('rebalancing'));
    consumer.on(events.STOP, () => probe.set('stopped'));
    consumer.on(events.DISCONNECT, () => probe.set('disconnected'));
    consumer.on(events.CRASH, (event) => {
      const error = event.payload.error;
      probe.set('crashed', error instanceof Error ? error.message : String(error));
    });
    return probe;
  }

  /** The current state. */
  current(): ClientStateSnapshot {
    return this.snapshot;
  }

  private set(state: ClientState, error?: string): void {
    this.snapshot = { state, since: new Date(), ...(error === undefined ? {} : { error }) };
  }
}
