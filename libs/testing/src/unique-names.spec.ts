import { uniqueName } from './unique-names';

describe('uniqueName', () => {
  it('is a legal Kafka topic name even when the prefix is not', () => {
    expect(uniqueName('orders/by store#1')).toMatch(
      /^it\.orders-by-store-1-[a-z0-9]+-[0-9a-f]{8}-[a-z0-9]+$/,
    );
  });

  it('never repeats within a run', () => {
    const names = new Set(Array.from({ length: 100_000 }, () => uniqueName('t')));
    expect(names.size).toBe(100_000);
  });
});
