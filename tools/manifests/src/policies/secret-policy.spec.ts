import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setOf } from '../testing/fixtures';
import { checkNoPlaintextSecrets, checkSecretFiles } from './secret-policy';

describe('secret policy', () => {
  it('fails on a committed Secret with data', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'grafana-admin' },
      stringData: { password: 'hunter2' },
    };
    const violations = checkNoPlaintextSecrets([setOf('fixture', [secret])]);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toMatch(/stringData in plain text; seal it with kubeseal/);
  });

  it('accepts SealedSecrets and data-less Secrets', () => {
    const sealed = {
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 'x' },
      spec: { encryptedData: { a: 'AgB' } },
    };
    const empty = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'y' }, type: 'Opaque' };
    expect(checkNoPlaintextSecrets([setOf('fixture', [sealed, empty])])).toEqual([]);
  });

  describe('committed files', () => {
    let root: string;
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'secret-policy-'));
      const env = join(root, 'gitops/platform/secrets/envs/dev');
      mkdirSync(env, { recursive: true });
      writeFileSync(join(env, 'kustomization.yaml'), 'resources:\n  - grafana-admin.yaml\n');
      writeFileSync(
        join(env, 'grafana-admin.yaml'),
        'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: grafana-admin\nspec:\n  encryptedData:\n    admin-password: AgB\n',
      );
      mkdirSync(join(root, 'charts/app/templates'), { recursive: true });
      mkdirSync(join(root, 'charts/lib'), { recursive: true });
      mkdirSync(join(root, 'charts/app/charts'), { recursive: true });
      symlinkSync(join(root, 'charts/lib'), join(root, 'charts/app/charts/lib'));
      writeFileSync(join(root, 'charts/app/templates/secret.yaml'), 'kind: {{ .Values.kind }}\n');
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('passes a tree of SealedSecrets and chart templates', () => {
      expect(checkSecretFiles(root)).toEqual([]);
    });

    it('fails on a plaintext Secret file that no kustomization references', () => {
      // Not listed in kustomization.yaml, so no rendered set ever contains it.
      writeFileSync(
        join(root, 'gitops/platform/secrets/envs/dev/ibm-mq-credentials.plain.yaml'),
        'apiVersion: v1\nkind: Secret\nmetadata:\n  name: ibm-mq-credentials\nstringData:\n  mqAppPassword: passw0rd\n',
      );
      const violations = checkSecretFiles(root);
      expect(violations.map((v) => `${v.source}: ${v.object}`)).toEqual([
        'gitops/platform/secrets/envs/dev/ibm-mq-credentials.plain.yaml: Secret ibm-mq-credentials',
      ]);
      expect(violations[0]?.message).toMatch(/stringData in plain text \(rendered or not\)/);
    });

    it('finds a Secret among other documents and in chart values folders', () => {
      mkdirSync(join(root, 'charts/app/ci'), { recursive: true });
      writeFileSync(
        join(root, 'charts/app/ci/extra.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\ndata:\n  k: dg==\n',
      );
      expect(checkSecretFiles(root).map((v) => v.object)).toEqual(['Secret b']);
    });
  });
});
