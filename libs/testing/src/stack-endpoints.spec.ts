import { stackEndpoints } from './stack-endpoints';

describe('stackEndpoints', () => {
  it('defaults to the native stack', () => {
    expect(stackEndpoints({})).toEqual({
      brokers: ['127.0.0.1:9092'],
      registryUrl: 'http://127.0.0.1:8081/apis/ccompat/v7',
    });
  });

  it('reads a broker list and strips the registry URL of trailing slashes', () => {
    expect(
      stackEndpoints({ KAFKA_BROKERS: 'a:1, b:2,', SCHEMA_REGISTRY_URL: 'http://r:8080/apis/ccompat/v7//' }),
    ).toEqual({ brokers: ['a:1', 'b:2'], registryUrl: 'http://r:8080/apis/ccompat/v7' });
  });

  it('follows the stack port overrides', () => {
    expect(stackEndpoints({ EDA_KAFKA_PORT: '19092', EDA_REGISTRY_PORT: '18081' })).toEqual({
      brokers: ['127.0.0.1:19092'],
      registryUrl: 'http://127.0.0.1:18081/apis/ccompat/v7',
    });
  });
});
