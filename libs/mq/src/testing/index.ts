/**
 * @eda/mq/testing: a faithful test double of the `ibmmq` module, so MQ code
 * is tested without the MQ C client or a queue manager.
 *
 * ```ts
 * const qmgr = new FakeQueueManager('QM1').defineQueue('DEV.ITEMS').defineQueue('DEV.ITEMS.BACKOUT');
 * const client = new MqQueueManager({ connection, driver: createFakeIbmMq(qmgr) });
 * qmgr.failNext({ verb: 'GET', mqrc: 2009 }); // the connection breaks on the next get
 * ```
 *
 * Only test code may import it; production code never selects it.
 */
export { createFakeIbmMq, type FakeIbmMq } from './fake-ibmmq';
export {
  CONNECTION_LOSS_CODES,
  FakeQueueManager,
  type FakeQueueManagerOptions,
  type InjectedFailure,
  type QueuedMessage,
} from './fake-queue-manager';
export { putTestMessages, type TestMessage } from './test-messages';
