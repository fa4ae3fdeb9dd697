/** `nx g @eda/plugin:topic` on an empty workspace: the file, its registration, the refusals, idempotence. */
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import type { Tree } from '@nx/devkit';
import { TOPICS_DIR } from '../catalog';
import { topicGenerator } from './generator';

function workspace(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  tree.write(`${TOPICS_DIR}/kustomization.yaml`, 'resources:\n  - a.yaml\n  - z.yaml\n');
  return tree;
}

describe('topic generator', () => {
  it('writes a KafkaTopic and lists it in the catalog, in order', async () => {
    const tree = workspace();
    await topicGenerator(tree, { name: 'orders.totals', compact: true, partitions: 3 });
    const topic = tree.read(`${TOPICS_DIR}/orders.totals.yaml`, 'utf-8') ?? '';
    expect(topic).toContain('kind: KafkaTopic');
    expect(topic).toContain('topicName: orders.totals');
    expect(topic).toContain('partitions: 3');
    expect(topic).toContain('cleanup.policy: compact');
    expect(tree.read(`${TOPICS_DIR}/kustomization.yaml`, 'utf-8')).toBe(
      'resources:\n  - a.yaml\n  - orders.totals.yaml\n  - z.yaml\n',
    );
  });

  it('changes nothing when run again with the same options', async () => {
    const tree = workspace();
    await topicGenerator(tree, { name: 'orders' });
    const before = tree.listChanges().map((c) => [c.path, c.content?.toString()]);
    await topicGenerator(tree, { name: 'orders' });
    expect(tree.listChanges().map((c) => [c.path, c.content?.toString()])).toEqual(before);
  });

  it.each([
    ['Orders', /topic-name rules/],
    ['orders_totals', /topic-name rules/],
    ['orders..totals', /topic-name rules/],
    ['orders.dlq', /libraries name themselves/],
    ['orders-changelog', /libraries name themselves/],
  ])('refuses "%s" before writing anything', async (name, message) => {
    const tree = workspace();
    const before = tree.listChanges().length;
    await expect(topicGenerator(tree, { name })).rejects.toThrow(message);
    expect(tree.listChanges()).toHaveLength(before);
  });

  it('refuses a topic the catalog already declares differently', async () => {
    const tree = workspace();
    await topicGenerator(tree, { name: 'orders', partitions: 6 });
    await expect(topicGenerator(tree, { name: 'orders', partitions: 12 })).rejects.toThrow(
      /already in the catalog/,
    );
  });
});
