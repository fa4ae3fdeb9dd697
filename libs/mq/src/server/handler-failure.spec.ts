import { RpcException } from '@nestjs/microservices';
import { MqOperationError } from '../errors/mq-errors';
import { classifyHandlerFailure } from './handler-failure';
import { MqPoisonMessageException, MqRetriableException, MqSinkUnavailableException } from './mq-exceptions';

describe('classifyHandlerFailure: whose fault a failure is', () => {
  it.each([
    ['an invalid message', new MqPoisonMessageException('INVALID_RECORD', 'quantity: 0'), 'poison'],
    ['a poison marker from another copy of the library', { poison: true, reason: 'X' }, 'poison'],
    ['Kafka unreachable', new MqSinkUnavailableException('Kafka did not acknowledge'), 'sink-unavailable'],
    ['a sink marker from another copy of the library', { sinkUnavailable: true }, 'sink-unavailable'],
    ['a retriable failure of unknown cause', new MqRetriableException('timeout'), 'unknown'],
    ['a bug in the handler', new TypeError("Cannot read properties of undefined (reading 'id')"), 'unknown'],
    ['an MQ connection loss', new MqOperationError('GET', 2, 2009, 'MQRC_CONNECTION_BROKEN'), 'unknown'],
    ['a plain RpcException', new RpcException('nope'), 'unknown'],
    ['a thrown string', 'boom', 'unknown'],
    ['undefined', undefined, 'unknown'],
  ])('%s is %s', (_what, err, expected) => {
    expect(classifyHandlerFailure(err)).toBe(expected);
  });

  it('says which errors may succeed later', () => {
    expect(new MqPoisonMessageException('R', 'm').retriable).toBe(false);
    expect(new MqSinkUnavailableException('m').retriable).toBe(true);
    expect(new MqRetriableException('m').retriable).toBe(true);
  });
});
