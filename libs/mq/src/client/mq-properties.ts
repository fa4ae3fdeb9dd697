/**
 * Message properties through message handles (MQSETMP, MQINQMP), the way
 * `ibmmq` exposes them: set on a handle passed as MQPMO.OriginalMsgHandle,
 * read from the handle passed as MQGMO.MsgHandle with MQGMO_PROPERTIES_IN_HANDLE.
 */
import type { IbmMqDriver, MqHConn, MqHMsg } from '../external/ibmmq.interface';
import { isMqDriverError } from '../errors/mq-errors';
import type { MqPropertyValue } from './mq-message';

/** Big enough for a W3C traceparent/tracestate and short reasons; longer values are truncated by MQ. */
const PROPERTY_BUFFER = Buffer.alloc(8192);

/** Sets each property on `hMsg`; throws the driver's error. */
export function writeProperties(
  d: IbmMqDriver,
  hConn: MqHConn,
  hMsg: MqHMsg,
  properties: readonly [string, MqPropertyValue][],
): void {
  for (const [name, value] of properties) {
    d.SetMp(hConn, hMsg, new d.MQSMPO(), name, new d.MQPD(), value);
  }
}

/** Reads the named properties from `hMsg` as strings; absent ones (MQRC_PROPERTY_NOT_AVAILABLE) are skipped. */
export function readProperties(
  d: IbmMqDriver,
  hConn: MqHConn,
  hMsg: MqHMsg,
  names: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const impo = new d.MQIMPO();
    impo.Options = d.MQC.MQIMPO_CONVERT_VALUE | d.MQC.MQIMPO_INQ_FIRST;
    let failure: unknown = null;
    d.InqMp(hConn, hMsg, impo, new d.MQPD(), name, PROPERTY_BUFFER, (err, _name, value, length) => {
      failure = err;
      if (err || value === null || value === undefined) return;
      out[name] = Buffer.isBuffer(value) ? value.subarray(0, length).toString('utf8') : String(value);
    });
    if (isMqDriverError(failure) && failure.mqrc === d.MQC.MQRC_PROPERTY_NOT_AVAILABLE) continue;
    if (failure) throw failure;
  }
  return out;
}
