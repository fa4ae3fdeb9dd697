import { IllegalStateError } from '../errors';

/** Lifecycle states of a {@link KafkaStreams} instance (Kafka Streams' `KafkaStreams.State`). */
export enum StreamsState {
  CREATED = 'CREATED',
  /** Joining the group, or restoring stores of newly assigned tasks. Not ready. */
  REBALANCING = 'REBALANCING',
  /** Every assigned task is restored and processing. Ready. */
  RUNNING = 'RUNNING',
  PENDING_SHUTDOWN = 'PENDING_SHUTDOWN',
  NOT_RUNNING = 'NOT_RUNNING',
  /** A fatal error stopped processing; call `close()`. */
  ERROR = 'ERROR',
}

/** Valid transitions, as a table. */
const TRANSITIONS: Readonly<Record<StreamsState, readonly StreamsState[]>> = {
  CREATED: [StreamsState.REBALANCING, StreamsState.PENDING_SHUTDOWN, StreamsState.ERROR],
  REBALANCING: [
    StreamsState.RUNNING,
    StreamsState.REBALANCING,
    StreamsState.PENDING_SHUTDOWN,
    StreamsState.ERROR,
  ],
  RUNNING: [StreamsState.REBALANCING, StreamsState.PENDING_SHUTDOWN, StreamsState.ERROR],
  PENDING_SHUTDOWN: [StreamsState.NOT_RUNNING],
  NOT_RUNNING: [],
  ERROR: [StreamsState.PENDING_SHUTDOWN],
};

/** Receives every state change. */
export type StateListener = (newState: StreamsState, oldState: StreamsState) => void;

/** Holds the current state and notifies listeners; rejects transitions the table does not allow. */
export class StreamsStateMachine {
  private current = StreamsState.CREATED;
  private readonly listeners: StateListener[] = [];

  get state(): StreamsState {
    return this.current;
  }

  addListener(listener: StateListener): void {
    this.listeners.push(listener);
  }

  /** Moves to `next`; returns false (and stays) when the transition is not allowed and `strict` is false. */
  transition(next: StreamsState, strict = false): boolean {
    if (next === this.current && next !== StreamsState.REBALANCING) return true;
    if (!TRANSITIONS[this.current].includes(next)) {
      if (strict) throw new IllegalStateError(`Cannot go from ${this.current} to ${next}.`);
      return false;
    }
    const old = this.current;
    this.current = next;
    for (const l of this.listeners) l(next, old);
    return true;
  }
}
