/**
 * The generator, proven on a scratch copy of the workspace (see
 * ScratchWorkspace): one service of each kind is generated with `nx g`, a
 * second run must change nothing, and then every check the repository runs
 * on its own services must pass on the generated ones: typecheck, lint and
 * build; the generated unit specs (the processor's through TopologyTestDriver);
 * one generated integration spec against the real stack; `schemas:check`;
 * `acl:generate --check`; `validate:manifests`; the compose static checks.
 *
 * EDA_GENERATOR_KEEP=1 keeps the scratch copy and prints where it is.
 */
import { join, resolve } from 'node:path';
import { ScratchWorkspace } from '../../testing/scratch-workspace';

const WORKSPACE = resolve(__dirname, '..', '..', '..', '..', '..');
const NX = join(WORKSPACE, 'node_modules', '.bin', 'nx');
const NPM = 'npm';
const MINUTES = 60_000;

/** One service of each kind, as a team would ask for it. */
const SERVICES = [
  {
    project: '@eda/orders',
    args: ['orders', '--kind', 'processor', '--consumes', 'items', '--produces', 'orders.totals'],
  },
  { project: '@eda/parcel-scanner', args: ['parcel-scanner', '--kind', 'producer', '--produces', 'parcels'] },
  { project: '@eda/shipments', args: ['shipments', '--kind', 'consumer', '--consumes', 'items,parcels'] },
] as const;
const PROJECTS = SERVICES.map((s) => s.project).join(',');

describe('nx g @eda/plugin:service, on a scratch copy of the workspace', () => {
  let scratch: ScratchWorkspace;
  // The offline Kubernetes schemas sit beside the repository, not in it.
  const manifestsEnv = {
    EDA_K8S_SCHEMAS: process.env['EDA_K8S_SCHEMAS'] || resolve(WORKSPACE, '..', 'shared', 'k8s-schemas'),
  };

  beforeAll(() => {
    scratch = ScratchWorkspace.create(WORKSPACE);
  }, 5 * MINUTES);

  afterAll(() => {
    if (process.env['EDA_GENERATOR_KEEP'] === '1') console.log(`scratch copy kept: ${scratch?.root}`);
    else scratch?.remove();
  });

  it(
    'generates each kind, and a second run changes nothing',
    () => {
      for (const { args } of SERVICES) scratch.expectSuccess(NX, ['g', '@eda/plugin:service', ...args]);
      scratch.git('add', '-A');
      scratch.git(
        '-c',
        'user.email=generator@eda.test',
        '-c',
        'user.name=generator',
        'commit',
        '-qm',
        'generated',
      );
      for (const { args } of SERVICES) scratch.expectSuccess(NX, ['g', '@eda/plugin:service', ...args]);
      expect(scratch.git('status', '--porcelain')).toBe('');
    },
    5 * MINUTES,
  );

  it(
    'refuses a clashing name before writing anything',
    () => {
      const { status, output } = scratch.run(NX, [
        'g',
        '@eda/plugin:service',
        'store-simulator',
        '--kind',
        'producer',
        '--produces',
        'x',
      ]);
      expect(status).not.toBe(0);
      expect(output).toContain('apps/store-simulator exists and was not generated');
      expect(scratch.git('status', '--porcelain')).toBe('');
    },
    2 * MINUTES,
  );

  it(
    'typechecks, lints and builds the new projects',
    () => {
      scratch.expectSuccess(NX, [
        'run-many',
        '-t',
        'typecheck',
        'lint',
        'build',
        '-p',
        PROJECTS,
        '--parallel=1',
        '--outputStyle=static',
      ]);
    },
    10 * MINUTES,
  );

  it(
    'passes the generated unit specs, and the processor integration spec on the real stack',
    () => {
      scratch.expectSuccess(NX, ['run', '@eda/orders:test', '--outputStyle=static']);
      for (const { project } of SERVICES.slice(1)) {
        scratch.expectSuccess(NX, [
          'run',
          `${project}:test`,
          '--outputStyle=static',
          '--',
          '--selectProjects',
          `${project}:unit`,
        ]);
      }
    },
    10 * MINUTES,
  );

  it(
    'keeps the schema gate, the generated ACLs, the manifests and the compose file green',
    () => {
      scratch.expectSuccess(NPM, ['run', 'schemas:check']);
      scratch.expectSuccess(NX, ['run', '@eda/events:schemas-drift', '--outputStyle=static']);
      scratch.expectSuccess(NPM, ['run', 'acl:generate', '--', '--check']);
      scratch.expectSuccess(NPM, ['run', 'validate:compose']);
      scratch.expectSuccess(NPM, ['run', 'validate:manifests'], manifestsEnv);
    },
    15 * MINUTES,
  );
});
