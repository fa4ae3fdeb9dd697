/**
 * The slice of the `ibmmq` package (v2, https://github.com/ibm-messaging/mq-mqi-nodejs)
 * this library calls, typed here so that nothing needs the package's types,
 * or its native MQ C client, to compile or load. This follows NestJS's
 * `external/kafka.interface.ts`: driver types live apart from the code, and
 * the driver itself is loaded lazily (`driver/ibmmq-loader.ts`).
 *
 * `ibmmq.interface.spec.ts` proves at compile time that the real package's
 * declared API is assignable to {@link IbmMqDriver}, and the test double in
 * `@eda/mq/testing` is typed against it too, so the double cannot drift from
 * the calls we make.
 *
 * Which verbs, and why:
 * - `ConnxPromise`, `OpenPromise`, `PutPromise`, `ClosePromise`, `DiscPromise`:
 *   these run on a native worker thread in `ibmmq`, so they do not block the
 *   event loop; the package builds them with `util.promisify`.
 * - `GetSync` with `MQGMO_NO_WAIT`: `ibmmq` offers no promise for MQGET, and
 *   its async `Get` delivers continuously through MQCB/MQCTL callbacks, which
 *   does not fit a batch-at-a-time unit of work. A blocking `MQGMO_WAIT` would
 *   stall the event loop (health probes, kafkajs heartbeats), so the client
 *   polls with no-wait gets and sleeps asynchronously between them.
 * - `Cmit`, `Back`, `CrtMh`, `SetMp`, `InqMp`, `DltMh`, `Inq`: synchronous in `ibmmq`
 *   (they call the MQI directly); with a callback they report through it.
 */

/** The MQI constants the library uses, by their MQI names. */
export interface MqConstants {
  readonly [name: string]: unknown;
  readonly MQCC_OK: number;
  readonly MQCC_WARNING: number;
  readonly MQCC_FAILED: number;
  readonly MQCNO_CLIENT_BINDING: number;
  readonly MQOO_INPUT_SHARED: number;
  readonly MQOO_OUTPUT: number;
  readonly MQOO_INQUIRE: number;
  readonly MQIA_CURRENT_Q_DEPTH: number;
  readonly MQOO_FAIL_IF_QUIESCING: number;
  readonly MQCO_NONE: number;
  readonly MQOT_Q: number;
  readonly MQGMO_SYNCPOINT: number;
  readonly MQGMO_NO_SYNCPOINT: number;
  readonly MQGMO_NO_WAIT: number;
  readonly MQGMO_WAIT: number;
  readonly MQGMO_FAIL_IF_QUIESCING: number;
  readonly MQGMO_PROPERTIES_IN_HANDLE: number;
  readonly MQPMO_SYNCPOINT: number;
  readonly MQPMO_NO_SYNCPOINT: number;
  readonly MQPMO_NEW_MSG_ID: number;
  readonly MQPMO_FAIL_IF_QUIESCING: number;
  readonly MQPER_PERSISTENT: number;
  readonly MQFB_APPL_FIRST: number;
  readonly MQRC_NO_MSG_AVAILABLE: number;
  readonly MQRC_TRUNCATED_MSG_FAILED: number;
  readonly MQRC_PROPERTY_NOT_AVAILABLE: number;
  readonly MQIMPO_INQ_FIRST: number;
  readonly MQIMPO_CONVERT_VALUE: number;
}

/** A connection handle (`MQQueueManager`); opaque to applications. */
export type MqHConn = object;
/** An open object handle (`MQObject`); opaque to applications. */
export type MqHObj = object;
/** A message handle (`HMSG`); a 64-bit integer in `ibmmq`. */
export type MqHMsg = bigint | object;

/** The error every `ibmmq` verb reports: completion and reason code, and the verb. */
export interface MqDriverError extends Error {
  readonly mqcc: number;
  readonly mqrc: number;
  readonly mqrcstr: string;
  readonly verb: string;
}

/** MQMD, the message descriptor (the fields we read or set). */
export interface MQMD {
  Report: number | number[];
  MsgType: number;
  Expiry: number;
  Feedback: number;
  Encoding: number;
  CodedCharSetId: number;
  /** A string of 8 characters (`ibmmq` also allows a Buffer). */
  Format: string | Buffer | null;
  Priority: number;
  Persistence: number;
  MsgId: Buffer;
  CorrelId: Buffer;
  BackoutCount: number;
  ReplyToQ: string | null;
  PutApplName: string | null;
  PutDate: string | null;
  PutTime: string | null;
}

/** MQGMO, the get-message options. */
export interface MQGMO {
  Options: number | number[];
  WaitInterval: number;
  MatchOptions: number | number[];
  MsgHandle: MqHMsg;
}

/** MQPMO, the put-message options. */
export interface MQPMO {
  Options: number | number[];
  OriginalMsgHandle: MqHMsg;
}

/** MQOD, the object descriptor. */
export interface MQOD {
  ObjectName: string | null;
  ObjectType: number;
}

/** MQCD, the client channel definition (MQCNO_CLIENT_BINDING). */
export interface MQCD {
  ChannelName: string | null;
  ConnectionName: string | null;
  SSLCipherSpec: string | null;
}

/** MQCSP, the security parameters (user id and password). */
export interface MQCSP {
  UserId: string | null;
  Password: string | null;
}

/** MQSCO, the TLS configuration (key repository). */
export interface MQSCO {
  KeyRepository: string | null;
}

/** MQCNO, the connection options. */
export interface MQCNO {
  Options: number | number[];
  SecurityParms: MQCSP | null;
  ClientConn: MQCD | null;
  SSLConfig: MQSCO | null;
  ApplName: string | null;
}

/** Options structures of the message-property verbs; all carry only `Options` for our use. */
export interface MqOptionsStruct {
  Options: number | number[];
}

/** The `ibmmq` module, as far as this library calls it. */
export interface IbmMqDriver {
  readonly MQC: MqConstants;
  readonly MQMD: new () => MQMD;
  readonly MQGMO: new () => MQGMO;
  readonly MQPMO: new () => MQPMO;
  readonly MQOD: new () => MQOD;
  readonly MQCNO: new () => MQCNO;
  readonly MQCD: new () => MQCD;
  readonly MQCSP: new () => MQCSP;
  readonly MQSCO: new () => MQSCO;
  readonly MQCMHO: new () => MqOptionsStruct;
  readonly MQDMHO: new () => MqOptionsStruct;
  readonly MQSMPO: new () => MqOptionsStruct;
  readonly MQIMPO: new () => MqOptionsStruct;
  readonly MQPD: new () => object;
  /** An attribute selector for `Inq` (e.g. MQIA_CURRENT_Q_DEPTH); `value` is filled in by the call. */
  readonly MQAttr: new (selector: number, value?: number | string) => MqAttr;

  ConnxPromise(qMgrName: string, cno: MQCNO): Promise<MqHConn>;
  DiscPromise(hConn: MqHConn): Promise<void>;
  OpenPromise(hConn: MqHConn, od: MQOD, openOptions: number): Promise<MqHObj>;
  ClosePromise(hObj: MqHObj, closeOptions: number): Promise<void>;
  PutPromise(hObj: MqHObj, md: MQMD, pmo: MQPMO, buf: string | Buffer): Promise<void>;
  GetSync(
    hObj: MqHObj,
    md: MQMD,
    gmo: MQGMO,
    buf: Buffer,
    cb?: (err: MqDriverError | null, dataLength: number) => void,
  ): number | undefined;
  Cmit(hConn: MqHConn, cb?: (err: MqDriverError | null) => void): void;
  Back(hConn: MqHConn, cb?: (err: MqDriverError | null) => void): void;
  CrtMh(
    hConn: MqHConn,
    cmho: MqOptionsStruct,
    cb?: (err: MqDriverError | null, hMsg: MqHMsg) => void,
  ): unknown;
  DltMh(hConn: MqHConn, hMsg: MqHMsg, dmho: MqOptionsStruct, cb?: (err: MqDriverError | null) => void): void;
  SetMp(
    hConn: MqHConn,
    hMsg: MqHMsg,
    smpo: MqOptionsStruct,
    name: string,
    pd: object,
    value?: number | string | boolean | Buffer | null,
    cb?: (err: MqDriverError | null) => void,
  ): void;
  InqMp(
    hConn: MqHConn,
    hMsg: MqHMsg,
    impo: MqOptionsStruct,
    pd: object,
    name: string,
    valueBuffer?: Buffer,
    cb?: (
      err: MqDriverError | null,
      name: string,
      value: boolean | string | number | Buffer | null,
      length: number,
      type: number,
    ) => void,
  ): unknown;
  /** MQINQ: synchronous in `ibmmq`; reports the selectors with their values through `cb`. */
  Inq(hObj: MqHObj, selectors: MqAttr[], cb?: (err: MqDriverError | null, selectors: MqAttr[]) => void): void;
  Lookup(range: string, value: number): string | null;
}

/** An object attribute of `Inq`: its MQIA/MQCA selector and value. */
export interface MqAttr {
  selector: number;
  value: number | string;
}
