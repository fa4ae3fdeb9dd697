import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXCLUDED_SOURCE, sourceRootsOf, unresolvedRequires, workspaceImports } from './app-build';
import { WORKSPACE_ROOT } from './workspace';

describe('app build', () => {
  it('finds @eda imports, static and dynamic, and nothing else', () => {
    const source = [
      "import { a } from '@eda/events';",
      "import '@eda/app-runtime';",
      "const k = await import('@eda/kafka');",
      "import { b } from '@eda/unknown';",
      "import { c } from 'kafkajs';",
    ].join('\n');
    expect(workspaceImports(source, ['@eda/events', '@eda/kafka', '@eda/app-runtime']).sort()).toEqual([
      '@eda/app-runtime',
      '@eda/events',
      '@eda/kafka',
    ]);
  });

  it('compiles an app with the libraries it reaches, transitively, and no test harness', () => {
    const roots = sourceRootsOf(WORKSPACE_ROOT, 'inventory-aggregator');
    expect(roots[0]).toBe('apps/inventory-aggregator/src');
    expect(roots).toEqual(
      expect.arrayContaining([
        'libs/streams/src',
        'libs/events/src',
        'libs/kafka/src',
        'libs/app-runtime/src',
      ]),
    );
    expect(roots).not.toContain('libs/testing/src');
  });

  it.each([
    ['libs/kafka/src/topics/topic-catalog.spec.ts', true],
    ['libs/kafka/src/x.int-spec.ts', true],
    ['apps/inventory-aggregator/src/broker-crash.fault-spec.ts', true],
    ['libs/streams/src/runtime/eos-worker.fixture.ts', true],
    ['apps/store-simulator/src/testing/items-topic.fixture.ts', true],
    ['libs/streams/src/testing/index.ts', true],
    ['apps/inventory-dashboard/src/live/public/index.html', false],
    ['apps/store-simulator/src/main.ts', false],
  ])('leaves out tests and fixtures: %s excluded=%s', (path, excluded) => {
    expect(EXCLUDED_SOURCE.test(path)).toBe(excluded);
  });

  it('reports a relative require that resolves to nothing in the output', () => {
    const out = mkdtempSync(join(tmpdir(), 'app-build-'));
    mkdirSync(join(out, 'src', 'lib'), { recursive: true });
    writeFileSync(join(out, 'src', 'lib', 'index.js'), '');
    writeFileSync(join(out, 'src', 'data.json'), '{}');
    writeFileSync(
      join(out, 'src', 'main.js'),
      'require("./lib"); require("./data.json"); require("kafkajs"); require("./testing/fixture");',
    );
    expect(unresolvedRequires(out, ['src/main.js', 'src/lib/index.js'])).toEqual([
      'src/main.js: require("./testing/fixture") resolves to nothing in the build',
    ]);
  });
});
