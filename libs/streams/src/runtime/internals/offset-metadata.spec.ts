import { decodePartitionTime, encodeOffsetMetadata } from './offset-metadata';

describe('committed-offset metadata', () => {
  it('round-trips a partition time', () => {
    expect(decodePartitionTime(encodeOffsetMetadata(1_796_620_000_123))).toBe(1_796_620_000_123);
    expect(decodePartitionTime(encodeOffsetMetadata(0))).toBe(0);
  });

  it('writes nothing before the first record, and reads foreign or broken metadata as unknown', () => {
    expect(encodeOffsetMetadata(-1)).toBeNull();
    for (const foreign of [
      null,
      undefined,
      '',
      'some-other-client',
      'eda-streams/1 pt=',
      'eda-streams/1 pt=-5',
      'eda-streams/1 pt=1e400',
    ]) {
      expect(decodePartitionTime(foreign)).toBeUndefined();
    }
  });
});
