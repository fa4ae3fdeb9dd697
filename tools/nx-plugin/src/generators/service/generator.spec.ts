/**
 * `nx g @eda/plugin:service` against the real workspace, in memory (an FsTree
 * over the repository: reads the real files, keeps every write in the tree):
 * what each kind writes, that a second run writes nothing, and that a bad or
 * clashing name is refused before anything is written. The generated code is
 * compiled, linted and run by service.int-spec.ts.
 */
import { join } from 'node:path';
import type { Tree } from '@nx/devkit';
import { FsTree } from 'nx/src/generators/tree';
import { serviceGenerator } from './generator';
import type { ServiceGeneratorSchema } from './schema';

const ROOT = join(__dirname, '..', '..', '..', '..', '..');
const realTree = (): Tree => new FsTree(ROOT, false);
const snapshot = (tree: Tree) =>
  tree
    .listChanges()
    .map((c) => `${c.type} ${c.path} ${c.content?.toString().length ?? 0}`)
    .sort();

const ORDERS: ServiceGeneratorSchema = {
  name: 'orders',
  kind: 'processor',
  consumes: 'items',
  produces: 'orders.totals',
  skipAcl: true,
};

describe('service generator', () => {
  it('writes a processor end to end: app, schema, topics, chart, overlays, registrations', async () => {
    const tree = realTree();
    await serviceGenerator(tree, ORDERS);
    const paths = tree.listChanges().map((c) => c.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'apps/orders/src/topology/orders-topology.ts',
        'apps/orders/src/topology/orders-topology.spec.ts',
        'apps/orders/src/orders.int-spec.ts',
        'apps/orders/src/config/kafka-access.ts',
        'apps/orders/Dockerfile',
        'apps/orders/README.md',
        'libs/events/schemas/OrdersTotals.avsc',
        'libs/events/schemas/subjects.json',
        'libs/events/src/generated/inventory-records.ts',
        'gitops/platform/kafka-cluster/kafkatopics/orders.totals.yaml',
        'gitops/platform/kafka-cluster/kafkatopics/orders-counts-changelog.yaml',
        'gitops/platform/kafka-cluster/kafkatopics/orders.dlq.yaml',
        'charts/orders/values.schema.json',
        'charts/orders/ci/persistence-values.yaml',
        'charts/orders/templates/tests/test-ready.yaml',
        'gitops/apps/orders/envs/prod/version.yaml',
        'gitops/argocd/base/apps/orders.yaml',
        'gitops/argocd/base/kustomization.yaml',
        'docker-compose.yml',
        '.env.example',
        'README.md',
      ]),
    );
    expect(tree.read('libs/events/schemas/subjects.json', 'utf-8')).toContain(
      '"orders.totals-value": { "schema": "OrdersTotals.avsc" }',
    );
    expect(tree.read('gitops/argocd/base/apps/orders.yaml', 'utf-8')).toContain(
      "argocd.argoproj.io/sync-wave: '40'",
    );
    expect(tree.read('docker-compose.yml', 'utf-8')).toMatch(/^ {2}orders:\n {4}<<: \*app$/m);
  });

  it('changes nothing when run a second time', async () => {
    const tree = realTree();
    await serviceGenerator(tree, ORDERS);
    const first = snapshot(tree);
    await serviceGenerator(tree, ORDERS);
    expect(snapshot(tree)).toEqual(first);
  });

  it.each([
    ['a producer', { name: 'parcel-scanner', kind: 'producer', produces: 'parcels' }],
    [
      'a consumer, on existing and new topics',
      { name: 'shipments', kind: 'consumer', consumes: 'items,parcels' },
    ],
  ] as const)('writes %s', async (_what, options) => {
    const tree = realTree();
    await serviceGenerator(tree, { ...options, skipAcl: true });
    const paths = tree.listChanges().map((c) => c.path);
    expect(paths).toContain(`apps/${options.name}/src/config/kafka-access.ts`);
    expect(paths).toContain(`charts/${options.name}/values.yaml`);
    expect(paths).toContain('libs/events/schemas/Parcels.avsc');
    expect(paths).not.toContain(`charts/${options.name}/ci/persistence-values.yaml`);
  });

  it.each([
    [{ name: 'inventory-aggregator' }, /apps\/inventory-aggregator exists and was not generated/],
    [{ name: 'events' }, /taken: libs\/events exists/],
    [{ name: 'Orders' }, /Service name "Orders" is invalid/],
    [{ produces: 'orders_totals' }, /breaks the topic-name rules/],
    [{ consumes: 'store.inventory', produces: 'items' }, /Produced topic "items" already exists/],
    [{ consumes: 'items.dlq' }, /libraries name themselves/],
    [{ consumes: '' }, /needs --consumes/],
  ] as const)('refuses %j before writing anything', async (override, message) => {
    const tree = realTree();
    await expect(serviceGenerator(tree, { ...ORDERS, ...override })).rejects.toThrow(message);
    expect(tree.listChanges()).toHaveLength(0);
  });
});
