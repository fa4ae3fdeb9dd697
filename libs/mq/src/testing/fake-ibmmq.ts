/**
 * A faithful test double of the `ibmmq` module (v2.1.9) over a
 * {@link FakeQueueManager}. What is real and what is simulated:
 *
 * - real: the MQI constants (`MQC`), the structure classes (`MQMD`, `MQGMO`,
 *   `MQPMO`, `MQOD`, `MQCNO`, ... sealed as in `ibmmq`), `MQError`, `MQQueueManager`,
 *   `MQObject`, `Lookup` and the parameter checks. They are `ibmmq`'s own pure
 *   JavaScript files (`ibmmq/lib/*.js`), which load without the native addon
 *   or the MQ C client;
 * - simulated: the verbs, with `ibmmq`'s signatures and timing: `Connx`,
 *   `Open`, `Close`, `Put`, `Put1` and `Disc` complete asynchronously (a
 *   native worker in `ibmmq`); `GetSync`, `Cmit`, `Back`, `CrtMh`, `DltMh`,
 *   `SetMp` and `InqMp` are synchronous, report through the callback when
 *   given one and throw `MQError` otherwise; the `...Promise` variants are
 *   `util.promisify` of the callback forms, as `ibmmq` builds them.
 *
 * Not simulated (they throw): the MQCB-based async `Get`, `GetDone`, `Ctl`,
 * and `Sub`/`Inq`/`Set`/`Stat`.
 */
import { promisify } from 'node:util';
import type { IbmMqDriver, MqConstants } from '../external/ibmmq.interface';
import type { MqPropertyValue } from '../client/mq-message';
import { FakeQueueManager, type FakeConnection, type StoredDescriptor } from './fake-queue-manager';

// ibmmq's own pure-JavaScript definitions (they have no typings of their own): the real
// constants, structure classes, MQError and parameter checks, without the native addon.
const MQC = require('ibmmq/lib/mqidefs.js') as MqConstants & Record<string, number>;
const types = require('ibmmq/lib/mqitypes.js') as IbmMqTypes;
const { MQMD } = require('ibmmq/lib/mqmd.js');
const { MQGMO } = require('ibmmq/lib/mqgmo.js');
const { MQPMO } = require('ibmmq/lib/mqpmo.js');
const { MQOD } = require('ibmmq/lib/mqod.js');
const { MQCNO } = require('ibmmq/lib/mqcno.js');
const { MQCD } = require('ibmmq/lib/mqcd.js');
const { MQCSP } = require('ibmmq/lib/mqcsp.js');
const { MQSCO } = require('ibmmq/lib/mqsco.js');
const { MQCMHO, MQDMHO } = require('ibmmq/lib/mqmho.js');
const { MQIMPO, MQSMPO, MQDMPO, MQPD } = require('ibmmq/lib/mqmpo.js');

type Ctor = new (...args: never[]) => object;
type Callback = (err: Error | null, ...results: unknown[]) => void;

interface IbmMqTypes {
  MQAttr: new (selector: number, value?: number | string) => { selector: number; value: number | string };
  MQError: new (mqcc: number, mqrc: number, verb: string) => Error & { mqrc: number };
  MQQueueManager: new (hConn: number, name: string) => { _hConn: number; _name: string };
  MQObject: new (
    hObj: number,
    qmgr: { _hConn: number },
    name: string,
  ) => { _hObj: number; _mqQueueManager: { _hConn: number }; _name: string };
  Lookup(range: string, value: number): string | null;
  checkParam(value: unknown, type: unknown, name: string, required?: boolean): void;
  checkParamCB(cb: unknown): void;
  checkParamCBRequired(cb: unknown, required: boolean): void;
  flagsToNumber(field: string, value: unknown): number;
}

type QueueManagerRef = InstanceType<IbmMqTypes['MQQueueManager']>;
type ObjectRef = InstanceType<IbmMqTypes['MQObject']>;

interface OpenObject {
  readonly queue: string;
  readonly input: boolean;
  readonly output: boolean;
  readonly inquire: boolean;
}

/** The double's module object: `IbmMqDriver`, plus the other names `ibmmq` exports. */
export type FakeIbmMq = IbmMqDriver & Record<string, unknown>;

const INPUT_OPTIONS = MQC.MQOO_INPUT_AS_Q_DEF | MQC.MQOO_INPUT_SHARED | MQC.MQOO_INPUT_EXCLUSIVE;
/** Longest a GetSync with MQGMO_WAIT may block; the real one blocks up to WaitInterval too. */
const MAX_BLOCKING_WAIT_MS = 10_000;

/** Creates an `ibmmq`-shaped module whose verbs act on `qmgr`. */
export function createFakeIbmMq(qmgr: FakeQueueManager): FakeIbmMq {
  const objects = new Map<number, OpenObject>();
  let nextObject = 1;

  const fail = (verb: string, mqrc: number, mqcc = MQC.MQCC_FAILED) => new types.MQError(mqcc, mqrc, verb);

  /** The live connection of `hConn`, or the reason it is unusable. */
  function connectionOf(ref: { _hConn: number }): FakeConnection | number {
    const connection = qmgr.connection(ref._hConn);
    if (!connection) return MQC.MQRC_HCONN_ERROR;
    if (connection.broken) return MQC.MQRC_CONNECTION_BROKEN;
    return connection;
  }

  /** Runs a synchronous verb: callback when given, else throw / return. */
  function syncVerb<T>(cb: Callback | undefined, body: () => T | Error): T | undefined {
    types.checkParamCB(cb);
    const result = body();
    if (result instanceof Error) {
      if (cb) {
        cb(result);
        return undefined;
      }
      throw result;
    }
    if (cb) {
      if (result === undefined) cb(null);
      else cb(null, result);
    }
    return result;
  }

  /** Runs an asynchronous verb: the callback runs on a later turn, as a native worker's would. */
  function asyncVerb(cb: Callback, body: () => unknown[] | Error): void {
    types.checkParamCBRequired(cb, true);
    const result = body();
    setImmediate(() => (result instanceof Error ? cb(result) : cb(null, ...result)));
  }

  function Connx(qMgrName: string, cno: InstanceType<typeof MQCNO> | null, cb: Callback): void {
    types.checkParam(cno, MQCNO, 'MQCNO', false);
    asyncVerb(cb, () => {
      const cd = cno?.ClientConn as { ChannelName: string | null } | null | undefined;
      const csp = cno?.SecurityParms as { UserId: string | null; Password: string | null } | null | undefined;
      const result = qmgr.connect(
        qMgrName ?? '',
        cd?.ChannelName ?? null,
        csp?.UserId ?? null,
        csp?.Password ?? null,
      );
      if (typeof result === 'number') return fail('CONNX', result);
      const injected = qmgr.injected('CONNX', undefined);
      if (injected !== undefined) {
        qmgr.disconnect(result);
        return fail('CONNX', injected);
      }
      return [new types.MQQueueManager(result.id, qmgr.name)];
    });
  }

  function Disc(hConn: QueueManagerRef, cb: Callback): void {
    asyncVerb(cb, () => {
      types.checkParam(hConn, types.MQQueueManager, 'MQQueueManager');
      const connection = qmgr.connection(hConn._hConn);
      if (!connection) return fail('DISC', MQC.MQRC_HCONN_ERROR);
      qmgr.disconnect(connection);
      hConn._hConn = MQC.MQHC_UNUSABLE_HCONN;
      return connection.broken ? fail('DISC', MQC.MQRC_CONNECTION_BROKEN) : [];
    });
  }

  function Open(
    hConn: QueueManagerRef,
    od: InstanceType<typeof MQOD>,
    options: number | number[],
    cb: Callback,
  ): void {
    types.checkParam(hConn, types.MQQueueManager, 'MQQueueManager');
    types.checkParam(od, MQOD, 'MQOD');
    asyncVerb(cb, () => {
      const connection = connectionOf(hConn);
      if (typeof connection === 'number') return fail('OPEN', connection);
      const name = String(od.ObjectName ?? '');
      const injected = qmgr.injected('OPEN', connection, name);
      if (injected !== undefined) return fail('OPEN', injected);
      if (od.ObjectType !== MQC.MQOT_Q) return fail('OPEN', MQC.MQRC_OBJECT_TYPE_ERROR);
      if (!qmgr.hasQueue(name)) return fail('OPEN', MQC.MQRC_UNKNOWN_OBJECT_NAME);
      const flags = types.flagsToNumber('MQOO', options);
      const input = (flags & INPUT_OPTIONS) !== 0;
      const output = (flags & MQC.MQOO_OUTPUT) !== 0;
      const inquire = (flags & MQC.MQOO_INQUIRE) !== 0;
      if (!input && !output && !inquire && (flags & MQC.MQOO_BROWSE) === 0)
        return fail('OPEN', MQC.MQRC_OPTIONS_ERROR);
      const id = nextObject++;
      objects.set(id, { queue: name, input, output, inquire });
      return [new types.MQObject(id, hConn, name)];
    });
  }

  function Close(hObj: ObjectRef, _options: number | number[], cb: Callback): void {
    types.checkParam(hObj, types.MQObject, 'MQObject');
    asyncVerb(cb, () => {
      const connection = connectionOf(hObj._mqQueueManager);
      if (typeof connection === 'number') return fail('CLOSE', connection);
      if (!objects.delete(hObj._hObj)) return fail('CLOSE', MQC.MQRC_HOBJ_ERROR);
      return [];
    });
  }

  /**
   * MQINQ of a queue opened with MQOO_INQUIRE: MQIA_CURRENT_Q_DEPTH only (the
   * committed messages, as `FakeQueueManager.depth` counts them). Synchronous,
   * like `ibmmq`'s: the result goes to `cb`, an error without one is thrown.
   */
  function Inq(
    hObj: ObjectRef,
    selectors: Array<{ selector: number; value: number | string }>,
    cb?: Callback,
  ): void {
    types.checkParam(hObj, types.MQObject, 'MQObject');
    const resolved = resolveObject('INQ', hObj);
    let error: Error | null = resolved instanceof Error ? resolved : null;
    if (!error && !(resolved as { object: OpenObject }).object.inquire)
      error = fail('INQ', MQC.MQRC_NOT_OPEN_FOR_INQUIRE);
    if (!error) {
      const { object } = resolved as { object: OpenObject };
      for (const attr of selectors) {
        if (attr.selector !== MQC.MQIA_CURRENT_Q_DEPTH) {
          error = fail('INQ', MQC.MQRC_SELECTOR_ERROR);
          break;
        }
        attr.value = qmgr.depth(object.queue);
      }
    }
    if (cb) cb(error, selectors);
    else if (error) throw error;
  }

  /** The open object and live connection behind `hObj`, or an error. */
  function resolveObject(
    verb: string,
    hObj: ObjectRef,
  ): { connection: FakeConnection; object: OpenObject } | Error {
    const connection = connectionOf(hObj._mqQueueManager);
    if (typeof connection === 'number') return fail(verb, connection);
    const object = objects.get(hObj._hObj);
    if (!object) return fail(verb, MQC.MQRC_HOBJ_ERROR);
    const injected = qmgr.injected(verb, connection, object.queue);
    if (injected !== undefined) return fail(verb, injected);
    return { connection, object };
  }

  function putInto(
    verb: string,
    connection: FakeConnection,
    queue: string,
    md: InstanceType<typeof MQMD>,
    pmo: InstanceType<typeof MQPMO>,
    buf: string | Buffer,
  ): Error | undefined {
    const options = types.flagsToNumber('MQPMO', pmo.Options);
    const syncpoint = (options & MQC.MQPMO_SYNCPOINT) !== 0;
    if (syncpoint && (options & MQC.MQPMO_NO_SYNCPOINT) !== 0) return fail(verb, MQC.MQRC_OPTIONS_ERROR);
    const body = typeof buf === 'string' ? Buffer.from(buf) : Buffer.from(buf ?? Buffer.alloc(0));
    if (typeof buf === 'string') md.Format = MQC.MQFMT_STRING;
    const msgId: Buffer = md.MsgId;
    if ((options & MQC.MQPMO_NEW_MSG_ID) !== 0 || msgId.every((b) => b === 0)) md.MsgId = qmgr.newMsgId();
    const now = new Date();
    md.PutDate = now.toISOString().slice(0, 10).replace(/-/g, '');
    md.PutTime = now.toISOString().slice(11, 22).replace(/[:.]/g, '');
    let properties: ReadonlyMap<string, MqPropertyValue> = new Map();
    const handle = pmo.OriginalMsgHandle as bigint;
    if (handle !== BigInt(MQC.MQHM_NONE)) {
      const found = connection.handles.get(handle);
      if (!found) return fail(verb, MQC.MQRC_HMSG_ERROR);
      properties = new Map(found);
    }
    const stored: StoredDescriptor = {
      MsgId: Buffer.from(md.MsgId),
      CorrelId: Buffer.from(md.CorrelId),
      Format: md.Format,
      Persistence: md.Persistence,
      Priority: md.Priority,
      Feedback: md.Feedback,
      Encoding: md.Encoding,
      CodedCharSetId: md.CodedCharSetId,
      Expiry: md.Expiry,
      MsgType: md.MsgType,
      ReplyToQ: md.ReplyToQ,
      PutApplName: md.PutApplName,
      PutDate: md.PutDate,
      PutTime: md.PutTime,
    };
    const reason = qmgr.store(connection, queue, body, stored, properties, syncpoint);
    return reason === undefined ? undefined : fail(verb, reason);
  }

  function Put(
    hObj: ObjectRef,
    md: InstanceType<typeof MQMD>,
    pmo: InstanceType<typeof MQPMO>,
    buf: string | Buffer,
    cb: Callback,
  ): void {
    types.checkParam(hObj, types.MQObject, 'MQObject');
    types.checkParam(md, MQMD, 'MQMD');
    types.checkParam(pmo, MQPMO, 'MQPMO');
    asyncVerb(cb, () => {
      const resolved = resolveObject('PUT', hObj);
      if (resolved instanceof Error) return resolved;
      if (!resolved.object.output) return fail('PUT', MQC.MQRC_NOT_OPEN_FOR_OUTPUT);
      return putInto('PUT', resolved.connection, resolved.object.queue, md, pmo, buf) ?? [];
    });
  }

  function Put1(
    hConn: QueueManagerRef,
    od: InstanceType<typeof MQOD>,
    md: InstanceType<typeof MQMD>,
    pmo: InstanceType<typeof MQPMO>,
    buf: string | Buffer,
    cb: Callback,
  ): void {
    types.checkParam(od, MQOD, 'MQOD');
    asyncVerb(cb, () => {
      const connection = connectionOf(hConn);
      if (typeof connection === 'number') return fail('PUT1', connection);
      const name = String(od.ObjectName ?? '');
      const injected = qmgr.injected('PUT1', connection, name);
      if (injected !== undefined) return fail('PUT1', injected);
      if (!qmgr.hasQueue(name)) return fail('PUT1', MQC.MQRC_UNKNOWN_OBJECT_NAME);
      return putInto('PUT1', connection, name, md, pmo, buf) ?? [];
    });
  }

  function GetSync(
    hObj: ObjectRef,
    md: InstanceType<typeof MQMD>,
    gmo: InstanceType<typeof MQGMO>,
    buf: Buffer,
    cb?: Callback,
  ): number | undefined {
    types.checkParamCB(cb);
    types.checkParam(hObj, types.MQObject, 'MQObject');
    types.checkParam(md, MQMD, 'MQMD');
    types.checkParam(gmo, MQGMO, 'MQGMO');
    types.checkParam(buf, Buffer, 'Buffer');
    const result = getMessage(hObj, md, gmo, buf);
    if (result.error) {
      if (cb) {
        cb(result.error, result.length);
        return undefined;
      }
      throw result.error;
    }
    if (cb) {
      cb(null, result.length);
      return undefined;
    }
    return result.length;
  }

  function getMessage(
    hObj: ObjectRef,
    md: InstanceType<typeof MQMD>,
    gmo: InstanceType<typeof MQGMO>,
    buf: Buffer,
  ): { error?: Error; length: number } {
    const resolved = resolveObject('GET', hObj);
    if (resolved instanceof Error) return { error: resolved, length: 0 };
    const { connection, object } = resolved;
    if (!object.input) return { error: fail('GET', MQC.MQRC_NOT_OPEN_FOR_INPUT), length: 0 };
    const options = types.flagsToNumber('MQGMO', gmo.Options);
    const syncpoint = (options & MQC.MQGMO_SYNCPOINT) !== 0;
    let message = qmgr.take(connection, object.queue, syncpoint);
    if (!message && (options & MQC.MQGMO_WAIT) !== 0) {
      // Nothing else runs in this thread while a synchronous MQGET waits, so
      // waiting cannot bring a message; block for the interval as ibmmq does.
      if (gmo.WaitInterval === MQC.MQWI_UNLIMITED) {
        throw new Error(
          'The ibmmq test double cannot wait without limit in GetSync: nothing could put a message meanwhile. Use a WaitInterval.',
        );
      }
      Atomics.wait(
        new Int32Array(new SharedArrayBuffer(4)),
        0,
        0,
        Math.min(gmo.WaitInterval, MAX_BLOCKING_WAIT_MS),
      );
      message = qmgr.take(connection, object.queue, syncpoint);
    }
    if (!message) return { error: fail('GET', MQC.MQRC_NO_MSG_AVAILABLE), length: 0 };
    const length = message.body.length;
    const truncated = length > buf.length;
    if (truncated && (options & MQC.MQGMO_ACCEPT_TRUNCATED_MSG) === 0) {
      qmgr.untake(connection, object.queue, message, syncpoint);
      return { error: fail('GET', MQC.MQRC_TRUNCATED_MSG_FAILED, MQC.MQCC_WARNING), length };
    }
    message.body.copy(buf, 0, 0, Math.min(length, buf.length));
    Object.assign(md, {
      ...message.md,
      MsgId: Buffer.from(message.md.MsgId),
      CorrelId: Buffer.from(message.md.CorrelId),
    });
    md.BackoutCount = message.backoutCount;
    const handle = gmo.MsgHandle as bigint;
    if ((options & MQC.MQGMO_PROPERTIES_IN_HANDLE) !== 0 && handle !== BigInt(MQC.MQHM_NONE)) {
      const properties = connection.handles.get(handle);
      if (!properties) return { error: fail('GET', MQC.MQRC_HMSG_ERROR), length: 0 };
      properties.clear();
      for (const [name, value] of message.properties) properties.set(name, value);
    }
    gmo.ReturnedLength = Math.min(length, buf.length);
    if (truncated) return { error: fail('GET', MQC.MQRC_TRUNCATED_MSG_ACCEPTED, MQC.MQCC_WARNING), length };
    return { length };
  }

  function transactionVerb(verb: 'CMIT' | 'BACK', apply: (c: FakeConnection) => void) {
    return (hConn: QueueManagerRef, cb?: Callback): void => {
      types.checkParam(hConn, types.MQQueueManager, 'MQQueueManager');
      syncVerb(cb, () => {
        const connection = connectionOf(hConn);
        if (typeof connection === 'number') return fail(verb, connection);
        const injected = qmgr.injected(verb, connection);
        if (injected !== undefined) return fail(verb, injected);
        apply(connection);
        return undefined;
      });
    };
  }

  function withConnection<T>(
    verb: string,
    hConn: QueueManagerRef,
    fn: (c: FakeConnection) => T | Error,
  ): T | Error {
    types.checkParam(hConn, types.MQQueueManager, 'MQQueueManager');
    const connection = connectionOf(hConn);
    return typeof connection === 'number' ? fail(verb, connection) : fn(connection);
  }

  function CrtMh(hConn: QueueManagerRef, cmho: object, cb?: Callback): bigint | undefined {
    types.checkParam(cmho, MQCMHO, 'MQCMHO');
    return syncVerb(cb, () => withConnection('MQCRTMH', hConn, (c) => qmgr.createHandle(c)));
  }

  function DltMh(hConn: QueueManagerRef, hMsg: bigint, dmho: object, cb?: Callback): void {
    types.checkParam(dmho, MQDMHO, 'MQDMHO');
    syncVerb(cb, () =>
      withConnection('MQDLTMH', hConn, (c) =>
        c.handles.delete(hMsg) ? undefined : fail('MQDLTMH', MQC.MQRC_HMSG_ERROR),
      ),
    );
  }

  function SetMp(
    hConn: QueueManagerRef,
    hMsg: bigint,
    smpo: object,
    name: string,
    pd: object,
    value?: MqPropertyValue | null,
    cb?: Callback,
  ): void {
    types.checkParam(smpo, MQSMPO, 'MQSMPO');
    types.checkParam(pd, MQPD, 'MQPD');
    types.checkParam(name, 'string', 'string');
    syncVerb(cb, () =>
      withConnection('MQSETMP', hConn, (c) => {
        const properties = c.handles.get(hMsg);
        if (!properties) return fail('MQSETMP', MQC.MQRC_HMSG_ERROR);
        if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) return fail('MQSETMP', MQC.MQRC_PROPERTY_NAME_ERROR);
        properties.set(name, value ?? '');
        return undefined;
      }),
    );
  }

  function InqMp(
    hConn: QueueManagerRef,
    hMsg: bigint,
    impo: object,
    pd: object,
    name: string,
    valueBuffer: Buffer | undefined,
    cb: Callback,
  ): unknown {
    types.checkParamCBRequired(cb, true);
    types.checkParam(impo, MQIMPO, 'MQIMPO');
    types.checkParam(pd, MQPD, 'MQPD');
    types.checkParam(name, 'string', 'string');
    const result = withConnection('MQINQMP', hConn, (c) => {
      const properties = c.handles.get(hMsg);
      if (!properties) return fail('MQINQMP', MQC.MQRC_HMSG_ERROR);
      if (!properties.has(name)) return fail('MQINQMP', MQC.MQRC_PROPERTY_NOT_AVAILABLE);
      return properties.get(name) as MqPropertyValue;
    });
    if (result instanceof Error) {
      cb(result);
      return undefined;
    }
    const [type, length] =
      typeof result === 'string'
        ? [MQC.MQTYPE_STRING, Buffer.byteLength(result)]
        : typeof result === 'boolean'
          ? [MQC.MQTYPE_BOOLEAN, 4]
          : [MQC.MQTYPE_INT64, 8];
    if (typeof result === 'string' && valueBuffer) valueBuffer.write(result, 0, 'utf8');
    cb(null, name, result, length, type);
    return undefined;
  }

  const notSimulated = (verb: string) => () => {
    throw new Error(`ibmmq.${verb} is not simulated by the @eda/mq test double`);
  };

  const Connx$ = Connx as (...args: unknown[]) => void;
  const module = {
    MQC,
    MQMD,
    MQGMO,
    MQPMO,
    MQOD,
    MQCNO,
    MQCD,
    MQCSP,
    MQSCO,
    MQCMHO,
    MQDMHO,
    MQIMPO,
    MQSMPO,
    MQDMPO,
    MQPD,
    MQError: types.MQError,
    MQQueueManager: types.MQQueueManager,
    MQObject: types.MQObject,
    Lookup: types.Lookup,
    Connx,
    Conn: (name: string, cb: Callback) => Connx(name, null, cb),
    Disc,
    Open,
    Close,
    Put,
    Put1,
    GetSync,
    Cmit: transactionVerb('CMIT', (c) => qmgr.commit(c)),
    Back: transactionVerb('BACK', (c) => qmgr.backout(c)),
    CrtMh,
    DltMh,
    SetMp,
    InqMp,
    ConnxPromise: promisify(Connx$),
    ConnPromise: promisify((name: string, cb: Callback) => Connx(name, null, cb)),
    DiscPromise: promisify(Disc),
    OpenPromise: promisify(Open),
    ClosePromise: promisify(Close),
    PutPromise: promisify(Put),
    Put1Promise: promisify(Put1),
    Get: notSimulated('Get'),
    GetDone: notSimulated('GetDone'),
    Ctl: notSimulated('Ctl'),
    Sub: notSimulated('Sub'),
    Inq,
    MQAttr: types.MQAttr,
    Set: notSimulated('Set'),
    Stat: notSimulated('Stat'),
  };
  return module as unknown as FakeIbmMq;
}

/** The constructors the double shares with `ibmmq`, for tests that build structures themselves. */
export const fakeIbmMqStructures: Readonly<Record<string, Ctor>> = {
  MQMD,
  MQGMO,
  MQPMO,
  MQOD,
  MQCNO,
  MQCD,
  MQCSP,
};
