/**
 * `nx g @eda/plugin:event` against the real workspace, in memory: the schema,
 * its subject, the regenerated types and their export; nothing more on a
 * second run; a subject or record that already means something else refused.
 */
import { join } from 'node:path';
import type { Tree } from '@nx/devkit';
import { FsTree } from 'nx/src/generators/tree';
import { EVENTS_ENTRY_POINT, eventGenerator, GENERATED_TYPES_FILE } from './generator';

const ROOT = join(__dirname, '..', '..', '..', '..', '..');
const realTree = (): Tree => new FsTree(ROOT, false);

describe('event generator', () => {
  it('adds the schema, its subject, the generated type and its export', async () => {
    const tree = realTree();
    await eventGenerator(tree, { topic: 'orders.placed', compatibility: 'FULL_TRANSITIVE' });
    const schema = JSON.parse(tree.read('libs/events/schemas/OrdersPlaced.avsc', 'utf-8') ?? '{}');
    expect(schema).toMatchObject({ type: 'record', name: 'OrdersPlaced' });
    expect(schema.fields.map((f: { name: string }) => f.name)).toEqual(['id', 'key', 'occurredAt']);
    expect(tree.read('libs/events/schemas/subjects.json', 'utf-8')).toContain(
      '"orders.placed-value": { "schema": "OrdersPlaced.avsc", "compatibility": "FULL_TRANSITIVE" }',
    );
    expect(tree.read(GENERATED_TYPES_FILE, 'utf-8')).toContain('export interface OrdersPlaced {');
    expect(tree.read(EVENTS_ENTRY_POINT, 'utf-8')).toContain(
      "export type { OrdersPlaced } from './generated/inventory-records';",
    );
  });

  it('changes nothing when run again with the same options', async () => {
    const tree = realTree();
    await eventGenerator(tree, { topic: 'orders.placed', shape: 'total' });
    const first = tree.listChanges().map((c) => [c.path, c.content?.toString()]);
    await eventGenerator(tree, { topic: 'orders.placed', shape: 'total' });
    expect(tree.listChanges().map((c) => [c.path, c.content?.toString()])).toEqual(first);
  });

  it.each([
    [{ topic: 'items', record: 'Other' }, /Subject "items-value" already carries ItemTransaction.avsc/],
    [{ topic: 'orders.placed', record: 'ItemTransaction' }, /Record "ItemTransaction" already exists/],
    [{ topic: 'orders.placed', record: 'orders' }, /Record name "orders" is invalid/],
    [{ topic: 'Orders' }, /topic-name rules/],
  ])('refuses %j before writing anything', async (options, message) => {
    const tree = realTree();
    await expect(eventGenerator(tree, options)).rejects.toThrow(message);
    expect(tree.listChanges()).toHaveLength(0);
  });
});
