import { setOf } from '../testing/fixtures';
import { checkNoPlaintextSecrets } from './secret-policy';

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
});
