import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describeDrift, findDrift } from './drift';
import { collectDeclarations } from './declarations';
import { GENERATED_ACCESS_FILE, generatedFiles, KAFKA_USERS_DIR } from './generated-files';

const root = resolve(__dirname, '..', '..', '..', '..');

describe('generated Kafka ACLs', () => {
  it('are committed exactly as the declarations generate them (no drift)', async () => {
    const drift = findDrift(root, await generatedFiles(root));
    expect(drift.length ? describeDrift(drift) : 'no drift').toBe('no drift');
  });

  it('come from each app, the DLQ replayer and the registry, each declared once', () => {
    const principals = collectDeclarations(root).map((p) => `${p.access.principal} <- ${p.declaredIn}`);
    expect(principals).toEqual([
      'apicurio-registry <- tools/manifests/src/access/apicurio-registry-access.ts',
      'dlq-replayer <- apps/inventory-dashboard/src/config/kafka-access.ts',
      'inventory-aggregator <- apps/inventory-aggregator/src/config/kafka-access.ts',
      'inventory-dashboard <- apps/inventory-dashboard/src/config/kafka-access.ts',
      'mq-bridge <- apps/mq-bridge/src/config/kafka-access.ts',
      'store-simulator <- apps/store-simulator/src/config/kafka-access.ts',
    ]);
  });

  it('grant the registry DescribeConfigs on its three topics (KafkaSqlRegistryStorage.initialize)', async () => {
    const files = await generatedFiles(root);
    const user = parse(files.get(`${KAFKA_USERS_DIR}/apicurio-registry.yaml`) as string) as {
      spec: { authorization: { acls: { resource: { name: string }; operations: string[] }[] } };
    };
    const describeConfigs = user.spec.authorization.acls
      .filter((a) => a.operations.includes('DescribeConfigs'))
      .map((a) => a.resource.name);
    expect(describeConfigs.sort()).toEqual(['kafkasql-journal', 'kafkasql-snapshots', 'registry-events']);
  });

  it('give the replayer every DLQ an app dead-letters to, and write access to their origins', async () => {
    const replayer = collectDeclarations(root).find((p) => p.access.principal === 'dlq-replayer');
    expect([...(replayer?.access.consumes ?? [])].sort()).toEqual([
      'item.inventory.dlq',
      'items.dlq',
      'store.inventory.dlq',
      'store.sales.1m.dlq',
    ]);
    expect([...(replayer?.access.produces ?? [])].sort()).toEqual([
      'item.inventory',
      'items',
      'store.inventory',
      'store.sales.1m',
    ]);
  });

  describe('drift check (broken fixtures)', () => {
    let copy: string;
    beforeEach(() => {
      copy = mkdtempSync(join(tmpdir(), 'acl-drift-'));
      cpSync(join(root, 'gitops/platform/kafka-cluster'), join(copy, 'gitops/platform/kafka-cluster'), {
        recursive: true,
      });
    });
    afterEach(() => rmSync(copy, { recursive: true, force: true }));

    it('fails on a hand edit of a KafkaUser, a stray KafkaUser and a missing access.yaml', async () => {
      const files = await generatedFiles(root);
      const user = join(copy, KAFKA_USERS_DIR, 'inventory-dashboard.yaml');
      writeFileSync(user, readFileSync(user, 'utf8').replace(/\n\s+- Read\n/, '\n'));
      writeFileSync(join(copy, KAFKA_USERS_DIR, 'kafka-ui.yaml'), 'kind: KafkaUser\n');
      rmSync(join(copy, GENERATED_ACCESS_FILE));
      expect(findDrift(copy, files)).toEqual(
        expect.arrayContaining([
          { file: `${KAFKA_USERS_DIR}/inventory-dashboard.yaml`, problem: 'differs' },
          { file: `${KAFKA_USERS_DIR}/kafka-ui.yaml`, problem: 'not generated' },
          { file: GENERATED_ACCESS_FILE, problem: 'missing' },
        ]),
      );
      expect(describeDrift(findDrift(copy, files))).toMatch(/run `npm run acl:generate`/);
    });
  });
});
