import { loadComposeContext, withCompose, type VolumeMount } from '../compose-context';
import { initServiceCheck, initServiceInput } from './init-service-check';

describe('init-services check', () => {
  const ctx = loadComposeContext();

  it('passes: topics and schemas read the native stack folders', () => {
    expect(initServiceCheck.run(ctx)).toEqual([]);
    expect(initServiceInput(ctx, 'topics', '--dir')).toBe('gitops/platform/kafka-cluster/kafkatopics');
    expect(initServiceInput(ctx, 'schemas', '--schemas-dir')).toBe('libs/events/schemas');
  });

  it('fails when topics reads another folder than the native stack', () => {
    const broken = withCompose(ctx, (c) => {
      (c.services['topics']!.volumes![0] as VolumeMount).source =
        './gitops/platform/schema-registry/kafkatopics';
    });
    expect(initServiceCheck.run(broken)).toEqual([
      'service topics: reads gitops/platform/schema-registry/kafkatopics, but the native stack reads gitops/platform/kafka-cluster/kafkatopics',
    ]);
  });

  it('fails when the input folder is writable from the container', () => {
    const broken = withCompose(ctx, (c) => {
      (c.services['schemas']!.volumes![0] as VolumeMount).read_only = false;
    });
    expect(initServiceCheck.run(broken)).toEqual([expect.stringContaining('is not read_only')]);
  });

  it('fails when the folder is passed but not mounted (the image copy would go stale)', () => {
    const broken = withCompose(ctx, (c) => {
      c.services['topics']!.volumes = [];
    });
    expect(initServiceCheck.run(broken)).toEqual([
      expect.stringContaining('is not bind-mounted from the repository'),
    ]);
  });

  it('fails when topics runs other code than the native stack', () => {
    const broken = withCompose(ctx, (c) => {
      c.services['topics']!.command = [
        '/opt/kafka/bin/kafka-topics.sh',
        '--create',
        '--dir',
        '/repo/gitops/platform/kafka-cluster/kafkatopics',
      ];
    });
    expect(initServiceCheck.run(broken)).toEqual(['service topics: must run tools/stack/create-topics.ts']);
  });

  it('fails when an init service is missing', () => {
    const broken = withCompose(ctx, (c) => {
      delete c.services['schemas'];
    });
    expect(initServiceCheck.run(broken)).toEqual([
      'service schemas is missing: it runs libs/events/src/cli/deploy.ts',
    ]);
  });
});
