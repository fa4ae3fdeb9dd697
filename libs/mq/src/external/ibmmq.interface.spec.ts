/**
 * `IbmMqDriver` must describe the real `ibmmq` package, or the client would
 * compile against a driver that does not exist. The first check runs in the
 * compiler (`nx typecheck`): the package's own declared API must be assignable
 * to our interface. The type-only import loads nothing at runtime.
 */
import type * as Ibmmq from 'ibmmq';
import { createFakeIbmMq, FakeQueueManager } from '../testing';
import type { IbmMqDriver } from './ibmmq.interface';

/** Compiles only while the real module satisfies `IbmMqDriver`. */
const asDriver = (real: typeof Ibmmq): IbmMqDriver => real;

describe('the ibmmq driver interface', () => {
  it('is satisfied by the real package (checked by the compiler)', () => {
    expect(typeof asDriver).toBe('function');
  });

  it('is satisfied at runtime by the test double, with every verb the real module names', () => {
    const fake: IbmMqDriver = createFakeIbmMq(new FakeQueueManager());
    const verbs: (keyof typeof Ibmmq)[] = [
      'ConnxPromise',
      'DiscPromise',
      'OpenPromise',
      'ClosePromise',
      'PutPromise',
      'GetSync',
      'Cmit',
      'Back',
      'CrtMh',
      'DltMh',
      'SetMp',
      'InqMp',
      'Lookup',
      'Connx',
      'Disc',
      'Open',
      'Close',
      'Put',
      'Put1',
    ];
    for (const verb of verbs)
      expect(typeof (fake as unknown as Record<string, unknown>)[verb]).toBe('function');
  });
});
