import { classifyReason } from './reason-codes';
import { MqOperationError, toMqError } from './mq-errors';

describe('reason code classification', () => {
  it.each([2009, 2059, 2161, 2162, 2538, 2018])('reconnects after %i', (mqrc) => {
    expect(classifyReason(mqrc)).toMatchObject({ action: 'reconnect', retriable: true, reconnect: true });
  });

  it.each([2053, 2024, 2003])('retries %i on the same connection', (mqrc) => {
    expect(classifyReason(mqrc)).toMatchObject({ action: 'retry', retriable: true, reconnect: false });
  });

  it.each([2035, 2085, 2058, 2540, 2393, 9999])('treats %i as fatal', (mqrc) => {
    expect(classifyReason(mqrc)).toMatchObject({ action: 'fatal', retriable: false });
  });

  it('wraps a driver error with the reason named and the advice', () => {
    const err = toMqError(
      { mqcc: 2, mqrc: 2035, mqrcstr: 'MQRC_NOT_AUTHORIZED', verb: 'CONNX', message: 'x' },
      'CONNX',
    );
    expect(err).toBeInstanceOf(MqOperationError);
    expect((err as MqOperationError).message).toMatch(
      /CONNX failed with MQRC_NOT_AUTHORIZED \[2035\]: not authorised: check MQ_USER/,
    );
    expect(err).toMatchObject({ retriable: false, connectionLost: false });
  });
});
