import { loadComposeContext, withCompose, type VolumeMount } from '../compose-context';
import { mountCheck } from './mount-check';

describe('mounts check', () => {
  const ctx = loadComposeContext();

  it('passes on docker-compose.yml', () => {
    expect(mountCheck.run(ctx)).toEqual([]);
  });

  it('fails on a bind source that does not exist', () => {
    const broken = withCompose(ctx, (c) => {
      (c.services['prometheus']!.volumes![1] as VolumeMount).source = './compose/prometheus/prom.yml';
    });
    expect(mountCheck.run(broken)).toEqual([
      'service prometheus: bind source ./compose/prometheus/prom.yml does not exist',
    ]);
  });

  it('fails on a writable bind mount (short syntax without :ro)', () => {
    const broken = withCompose(ctx, (c) => {
      c.services['prometheus']!.volumes = [
        'prometheus-data:/prometheus',
        './compose/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml',
      ];
    });
    expect(mountCheck.run(broken)).toEqual([expect.stringContaining('is not read-only')]);
  });

  it('fails on a named volume that is not declared', () => {
    const broken = withCompose(ctx, (c) => {
      delete c.volumes!['kafka-data'];
    });
    expect(mountCheck.run(broken)).toEqual([
      'service kafka: volume kafka-data is not declared under top-level volumes',
    ]);
  });

  it('fails on a secret whose file is missing, or that is not declared', () => {
    const broken = withCompose(ctx, (c) => {
      c.secrets!['mqAppPassword'] = { file: './compose/mq/dev-secrets/missing' };
      delete c.secrets!['mqAdminPassword'];
    });
    expect(mountCheck.run(broken).sort()).toEqual([
      'secret mqAppPassword: file ./compose/mq/dev-secrets/missing does not exist',
      'service mq: secret mqAdminPassword is not declared',
    ]);
  });
});
