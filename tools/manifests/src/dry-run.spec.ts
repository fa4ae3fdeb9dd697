/**
 * The server-side dry run against a real kube-apiserver (install-apiserver.sh).
 * Without the binaries this spec is skipped, except in CI (CI=true), where it
 * fails: the CI runs install-apiserver.sh.
 */
import { K8sObject } from './manifest';
import { crdsFromSchemas, dryRunApply, locateApiServer, structuralSchema } from './dry-run';
import { offlineSchemaDir } from './kubeconform';
import { deployment, goodContainer, kafkaTopic, setOf } from './testing/fixtures';
import { resolve } from 'node:path';

jest.setTimeout(600_000);

const root = resolve(__dirname, '..', '..', '..');
const apiServer = locateApiServer();
const schemas = offlineSchemaDir(root);

const namespaces: K8sObject[] = [
  {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: 'eda',
      labels: {
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
      },
    },
  },
];

/** A complete Deployment (the policy fixture plus what the API server requires). */
function fullDeployment(container: Record<string, unknown>, name: string): K8sObject {
  const d = deployment({ ...container, name: 'app' }, name) as K8sObject & {
    spec: { selector?: unknown; template: { metadata?: unknown; spec: Record<string, unknown> } };
  };
  d.spec.selector = { matchLabels: { app: name } };
  d.spec.template.metadata = { labels: { app: name } };
  return d;
}

describe('server-side dry run', () => {
  it('has the API server binaries in CI', () => {
    if (process.env['CI'] === 'true') expect(apiServer).toBeDefined();
  });

  it('turns kubeconform schemas back into structural CRD schemas', () => {
    expect(
      structuralSchema({
        $schema: 'http://json-schema.org/schema#',
        type: 'object',
        additionalProperties: false,
        properties: { a: { type: ['string', 'null'] } },
      }),
    ).toEqual({ type: 'object', properties: { a: { type: 'string', nullable: true } } });
    if (schemas) {
      const names = crdsFromSchemas(schemas).map((c) => (c['metadata'] as { name: string }).name);
      expect(names).toEqual(
        expect.arrayContaining(['kafkatopics.kafka.strimzi.io', 'applications.argoproj.io']),
      );
    }
  });

  (apiServer ? describe : describe.skip)('against kube-apiserver', () => {
    // One API server for every case: each `it` reads its own set's findings.
    let findings: Map<string, string[]>;

    beforeAll(() => {
      const privileged = goodContainer({
        securityContext: {
          runAsNonRoot: true,
          allowPrivilegeEscalation: true,
          capabilities: { drop: ['ALL'] },
        },
      });
      const noSeccomp = fullDeployment(goodContainer(), 'no-seccomp');
      delete (
        (noSeccomp['spec'] as { template: { spec: Record<string, unknown> } }).template.spec[
          'securityContext'
        ] as Record<string, unknown>
      )['seccompProfile'];
      const typo = fullDeployment(goodContainer({ resourcez: {} }), 'typo');
      const badTopic = { ...kafkaTopic('items'), spec: { partitions: 'six' } };
      const sets = [
        setOf('gitops/platform/namespaces/envs/dev', namespaces, 'dev'),
        setOf('good', [fullDeployment(goodContainer(), 'good'), kafkaTopic('items')]),
        setOf('privilege-escalation', [fullDeployment(privileged, 'escalates')]),
        setOf('no-seccomp', [noSeccomp]),
        setOf('unknown-field', [typo]),
        setOf('crd-validation', [badTopic]),
      ];
      if (!apiServer) throw new Error('unreachable: the describe is skipped without the binaries');
      const violations = dryRunApply(apiServer, sets, schemas);
      findings = new Map();
      for (const v of violations) findings.set(v.source, [...(findings.get(v.source) ?? []), v.message]);
    });

    it('accepts a hardened Deployment and a valid KafkaTopic', () => {
      expect(findings.get('good')).toBeUndefined();
    });

    it('fails a workload the restricted Pod Security Standard would refuse (admission, not a policy of ours)', () => {
      expect(findings.get('privilege-escalation')?.join('\n')).toMatch(
        /would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false/,
      );
      expect(findings.get('no-seccomp')?.join('\n')).toMatch(
        /would violate PodSecurity "restricted:latest": seccompProfile/,
      );
    });

    it('fails an unknown field, as the API server sees it', () => {
      expect(findings.get('unknown-field')?.join('\n')).toMatch(
        /Deployment\.spec\.template\.spec\.containers\[0\]\): unknown field "resourcez"/,
      );
    });

    it('fails a custom resource its CRD schema refuses', () => {
      expect(findings.get('crd-validation')?.join('\n')).toMatch(
        /KafkaTopic\.spec\.partitions\): invalid type .*got "string", expected "integer"/,
      );
    });
  });
});
