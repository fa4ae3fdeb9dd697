import type * as avro from 'avsc';
import { checkCompatibility } from './avro-compatibility';

/** v1 of a small record; each test derives the next version from it. */
const v1 = {
  type: 'record',
  name: 'ItemTransaction',
  namespace: 'eda.inventory',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'quantity', type: 'int' },
    { name: 'level', type: { type: 'enum', name: 'Level', symbols: ['LOW', 'OUT_OF_STOCK'] } },
  ],
};
type Field = { name: string; type: unknown; default?: unknown; aliases?: string[] };
const withFields = (fields: (f: Field[]) => Field[]) =>
  ({ ...v1, fields: fields(v1.fields.map((f) => ({ ...f }))) }) as avro.Schema;
const history = [{ label: 'v1', schema: v1 as avro.Schema }];

describe('checkCompatibility', () => {
  it('passes adding a field with a default under every level', () => {
    const v2 = withFields((f) => [...f, { name: 'currency', type: 'string', default: 'USD' }]);
    for (const level of ['BACKWARD', 'FORWARD', 'FULL', 'FULL_TRANSITIVE'] as const) {
      expect(checkCompatibility(v2, history, level)).toEqual([]);
    }
  });

  it('fails BACKWARD when a field is added without a default: the new schema cannot read old data', () => {
    const v2 = withFields((f) => [...f, { name: 'currency', type: 'string' }]);
    const issues = checkCompatibility(v2, history, 'BACKWARD');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'eda.inventory.ItemTransaction.currency', rule: 'BACKWARD' });
    expect(issues[0]?.message).toContain(
      'field eda.inventory.ItemTransaction.currency is in the new schema but not in v1 and has no default',
    );
    // Old readers simply skip the extra field, so FORWARD holds.
    expect(checkCompatibility(v2, history, 'FORWARD')).toEqual([]);
  });

  it('fails FORWARD and FULL, but not BACKWARD, when a field without a default is removed', () => {
    // BACKWARD = new reader, old data: the reader ignores the field it dropped.
    // FORWARD = old reader, new data: the old reader needs the field and has no default.
    const v2 = withFields((f) => f.filter((x) => x.name !== 'quantity'));
    expect(checkCompatibility(v2, history, 'BACKWARD')).toEqual([]);
    const forward = checkCompatibility(v2, history, 'FORWARD');
    expect(forward[0]?.message).toContain(
      'field eda.inventory.ItemTransaction.quantity is in v1 but not in the new schema',
    );
    expect(checkCompatibility(v2, history, 'FULL').map((i) => i.path)).toEqual([
      'eda.inventory.ItemTransaction.quantity',
    ]);
  });

  it('fails a rename without an alias, and passes it with one', () => {
    const renamed = withFields((f) => f.map((x) => (x.name === 'quantity' ? { ...x, name: 'units' } : x)));
    expect(checkCompatibility(renamed, history, 'BACKWARD')[0]?.path).toBe(
      'eda.inventory.ItemTransaction.units',
    );
    const aliased = withFields((f) =>
      f.map((x) => (x.name === 'quantity' ? { ...x, name: 'units', aliases: ['quantity'] } : x)),
    );
    expect(checkCompatibility(aliased, history, 'BACKWARD')).toEqual([]);
  });

  it('fails a type change that Avro cannot promote, naming both types', () => {
    const v2 = withFields((f) => f.map((x) => (x.name === 'quantity' ? { ...x, type: 'string' } : x)));
    const [issue] = checkCompatibility(v2, history, 'BACKWARD');
    expect(issue?.message).toBe(
      'field eda.inventory.ItemTransaction.quantity changed type: the new schema has string, v1 has int, which does not promote to it',
    );
    // int -> long is a legal promotion for readers.
    const promoted = withFields((f) => f.map((x) => (x.name === 'quantity' ? { ...x, type: 'long' } : x)));
    expect(checkCompatibility(promoted, history, 'BACKWARD')).toEqual([]);
  });

  it('fails FORWARD when an enum gains a symbol old readers lack and have no default for', () => {
    const v2 = withFields((f) =>
      f.map((x) =>
        x.name === 'level'
          ? { ...x, type: { type: 'enum', name: 'Level', symbols: ['LOW', 'OUT_OF_STOCK', 'CRITICAL'] } }
          : x,
      ),
    );
    expect(checkCompatibility(v2, history, 'BACKWARD')).toEqual([]);
    expect(checkCompatibility(v2, history, 'FORWARD')[0]?.message).toContain('lacks symbol(s) CRITICAL');
  });

  it('checks only the latest version unless the level is transitive', () => {
    const v2 = withFields((f) => [...f, { name: 'currency', type: 'string', default: 'USD' }]);
    // v3 drops the default: readable from v2 data, not from v1 data (which lacks the field).
    const v3 = withFields((f) => [...f, { name: 'currency', type: 'string' }]);
    const both = [...history, { label: 'v2', schema: v2 }];
    expect(checkCompatibility(v3, both, 'BACKWARD')).toEqual([]);
    const transitive = checkCompatibility(v3, both, 'BACKWARD_TRANSITIVE');
    expect(transitive).toHaveLength(1);
    expect(transitive[0]?.rule).toBe('BACKWARD_TRANSITIVE (against v1)');
  });

  it('allows anything under NONE', () => {
    expect(
      checkCompatibility(
        withFields(() => []),
        history,
        'NONE',
      ),
    ).toEqual([]);
  });
});
