import { AvroSerde, InMemorySchemaRegistry, inventorySchemas, type ItemTransaction } from '@eda/events';
import { isPoison } from '@eda/mq';
import { parseItemTransaction } from './item-transaction-parser';

const VALID = {
  id: '3b241101-e2bb-4255-8caf-4136c566a962',
  storeId: 'store-001',
  sku: 'SKU-00001',
  type: 'SALE',
  quantity: 2,
  unitPrice: 1999,
  currency: 'EUR',
  timestamp: 1_764_000_000_000,
};

const body = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

function reasonOf(value: unknown): { reason: string; message: string } {
  try {
    parseItemTransaction(body(value));
  } catch (err) {
    if (isPoison(err)) return { reason: String(err.reason), message: String(err.message) };
    throw err;
  }
  throw new Error('parsed');
}

describe('parseItemTransaction', () => {
  it('reads the JSON the simulator sends, and the result encodes with the Avro schema', async () => {
    const tx = parseItemTransaction(body(VALID));
    expect(tx).toEqual(VALID);
    const serde = new AvroSerde<ItemTransaction>({
      registry: new InMemorySchemaRegistry(),
      schema: inventorySchemas.ItemTransaction,
      autoRegister: true,
    });
    expect(await serde.decode(await serde.encode('items', tx))).toEqual(VALID);
  });

  it('applies the schema default for a missing currency', () => {
    const { currency: _currency, ...withoutCurrency } = VALID;
    expect(parseItemTransaction(body(withoutCurrency)).currency).toBe('USD');
  });

  it.each([
    ['not json at all', 'INVALID_JSON', /Body is not JSON/],
    ['[1,2]', 'INVALID_JSON', /not a JSON object/],
    [{ ...VALID, id: 'not-a-uuid' }, 'INVALID_RECORD', /id: expected a UUID string, got "not-a-uuid"/],
    [{ ...VALID, type: 'REFUND' }, 'INVALID_RECORD', /type: expected one of SALE, RESTOCK/],
    [{ ...VALID, quantity: 0 }, 'INVALID_RECORD', /quantity: expected an int greater than zero, got 0/],
    [{ ...VALID, quantity: 2 ** 31 }, 'INVALID_RECORD', /quantity/],
    [{ ...VALID, unitPrice: 1.5 }, 'INVALID_RECORD', /unitPrice/],
    [{ ...VALID, currency: 'usd' }, 'INVALID_RECORD', /currency/],
    [
      { ...VALID, timestamp: '2026-11-26T00:00:00Z' },
      'INVALID_RECORD',
      /timestamp: expected epoch milliseconds/,
    ],
    [{ ...VALID, storeId: '' }, 'INVALID_RECORD', /storeId/],
    [{ ...VALID, colour: 'red' }, 'INVALID_RECORD', /colour: not a field of ItemTransaction/],
  ])('refuses %j as %s', (value, reason, message) => {
    const result = reasonOf(value);
    expect(result.reason).toBe(reason);
    expect(result.message).toMatch(message);
  });

  it('names every bad field at once', () => {
    expect(reasonOf({ ...VALID, sku: 1, quantity: -1 }).message).toMatch(/sku: .*; quantity: /);
  });
});
