/** Messages as the client hands them out and takes them in. */

/** A message property value, as MQ property types allow (string, number, boolean). */
export type MqPropertyValue = string | number | boolean;

/** A message got from a queue. Buffers are copies: safe to keep. */
export interface MqMessage {
  /** The message data. */
  readonly body: Buffer;
  /** MQMD.MsgId (24 bytes). */
  readonly msgId: Buffer;
  /** MQMD.CorrelId (24 bytes). */
  readonly correlId: Buffer;
  /** MQMD.BackoutCount: how often a unit of work that got this message was backed out. */
  readonly backoutCount: number;
  /** MQMD.Format, trimmed (`MQSTR` for text). */
  readonly format: string;
  /** MQMD.Persistence was persistent. */
  readonly persistent: boolean;
  /** MQMD.PutDate and PutTime as epoch milliseconds, when the queue manager set them. */
  readonly putTimestamp?: number;
  /** The message properties the client was asked to read (string values), e.g. `traceparent`. */
  readonly properties: Readonly<Record<string, string>>;
}

/** A message to put. */
export interface MqOutgoingMessage {
  /** A string is sent as text (MQMD.Format `MQSTR`, as `ibmmq` sets it); a Buffer as given. */
  readonly body: Buffer | string;
  /** MQMD.Format; defaults to `MQSTR` for strings, none for Buffers. */
  readonly format?: string;
  /** MQMD.MsgId to keep (e.g. when moving a message); a new one is generated when absent. */
  readonly msgId?: Buffer;
  readonly correlId?: Buffer;
  /** MQMD.Feedback, e.g. `MQFB_APPL_FIRST + n` for an application-defined reason. */
  readonly feedback?: number;
  /** Persistent unless false. */
  readonly persistent?: boolean;
  /** Message properties, set through a message handle (MQSETMP). */
  readonly properties?: Readonly<Record<string, MqPropertyValue>>;
}
