import { MqDriverUnavailableError } from '../errors/mq-errors';
import { loadIbmMq } from './ibmmq-loader';

describe('loading ibmmq lazily', () => {
  it('turns a missing MQ C client into a typed, non-retriable error that says what to do', () => {
    const missing = () => {
      throw { message: '/opt/mqm/lib/libmqm_r.so: cannot open shared object file' };
    };
    expect(() => loadIbmMq(missing)).toThrow(MqDriverUnavailableError);
    expect(() => loadIbmMq(missing)).toThrow(
      expect.objectContaining({
        retriable: false,
        message: expect.stringMatching(
          /^IBM MQ C client not found; install the redistributable client or run the mq-bridge image \(.*libmqm_r/,
        ),
      }),
    );
  });

  it('loads nothing until asked: importing @eda/mq does not require ibmmq, the first client use does', () => {
    let loaded = 0;
    jest.isolateModules(() => {
      jest.doMock('ibmmq', () => {
        loaded++;
        return { MQC: {} };
      });
      const mq = require('../index') as typeof import('../index');
      const client = new mq.MqQueueManager({
        connection: { queueManager: 'QM1', connectionName: 'h(1)', channel: 'C', applicationName: 't' },
      });
      expect(loaded).toBe(0);
      expect(client.driver).toEqual({ MQC: {} });
      expect(loaded).toBe(1);
    });
  });
});
