import { BadRequestException } from '@nestjs/common';
import { parseInstant, parseKey } from './query-params';

describe('query parameters', () => {
  it('accepts keys as the records carry them and refuses blank, control-character and over-long ones', () => {
    expect(parseKey('sku', 'SKU-00001')).toBe('SKU-00001');
    expect(parseKey('storeId', 'store 1/ü')).toBe('store 1/ü');
    for (const bad of ['', '   ', 'a\u0000b', 'x'.repeat(257)]) {
      expect(() => parseKey('sku', bad)).toThrow(BadRequestException);
    }
  });

  it('reads ISO-8601 date-times with a zone, and falls back when absent', () => {
    expect(parseInstant('from', '2026-01-01T00:01:00Z', 0)).toBe(Date.UTC(2026, 0, 1, 0, 1));
    expect(parseInstant('from', '2026-01-01T01:01:00.5+01:00', 0)).toBe(Date.UTC(2026, 0, 1, 0, 1, 0, 500));
    expect(parseInstant('to', undefined, 42)).toBe(42);
    for (const bad of [
      'yesterday',
      '2026-01-01',
      '2026-01-01T00:00:00',
      '1767225600000',
      '2026-13-01T00:00:00Z',
    ]) {
      expect(() => parseInstant('from', bad, 0)).toThrow(/from must be an ISO-8601 date-time/);
    }
  });
});
