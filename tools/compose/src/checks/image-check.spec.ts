import { loadComposeContext, VERSIONS_FILE, withCompose, withFile } from '../compose-context';
import { imagePinCheck, nativeVersionCheck, parseImageReference } from './image-check';

describe('image references', () => {
  it('tells a registry port from a tag, and reads digests', () => {
    expect(parseImageReference('localhost:5000/eda/tools')).toEqual({
      repository: 'localhost:5000/eda/tools',
      tag: undefined,
      digest: undefined,
    });
    expect(parseImageReference('icr.io/ibm-messaging/mq:9.4.4.1-r1')).toMatchObject({
      repository: 'icr.io/ibm-messaging/mq',
      tag: '9.4.4.1-r1',
    });
    expect(parseImageReference('redis@sha256:abc')).toMatchObject({
      repository: 'redis',
      digest: 'sha256:abc',
    });
  });
});

describe('image-pins check', () => {
  const ctx = loadComposeContext();

  it('passes on docker-compose.yml', () => {
    expect(imagePinCheck.run(ctx)).toEqual([]);
  });

  it.each([
    ['grafana/grafana:latest', "uses 'latest'"],
    ['grafana/grafana', 'has no tag'],
    ['localhost:5000/grafana', 'has no tag'],
  ])('fails on %s', (image, message) => {
    const broken = withCompose(ctx, (c) => {
      c.services['grafana']!.image = image;
    });
    expect(imagePinCheck.run(broken)).toEqual([expect.stringContaining(message)]);
  });

  it('fails on a service with neither image nor build', () => {
    const broken = withCompose(ctx, (c) => {
      delete c.services['jaeger']!.image;
    });
    expect(imagePinCheck.run(broken)).toEqual(['service jaeger: neither image nor build']);
  });
});

describe('native-versions check', () => {
  const ctx = loadComposeContext();

  it('passes: Kafka and Apicurio match tools/stack/versions.env', () => {
    expect(nativeVersionCheck.run(ctx)).toEqual([]);
  });

  it('fails when the compose Kafka drifts from the native stack', () => {
    const broken = withCompose(ctx, (c) => {
      c.services['kafka']!.image = 'apache/kafka:4.1.1';
    });
    expect(nativeVersionCheck.run(broken)).toEqual([expect.stringContaining('KAFKA_VERSION=4.1.2')]);
  });

  it('fails when versions.env moves on and compose does not', () => {
    const versions = ctx.readText(VERSIONS_FILE).replace(/^APICURIO_VERSION=.*$/m, 'APICURIO_VERSION=3.4.0');
    expect(nativeVersionCheck.run(withFile(ctx, VERSIONS_FILE, versions))).toEqual([
      expect.stringContaining(
        'apicurio/apicurio-registry:3.3.3 but tools/stack/versions.env pins APICURIO_VERSION=3.4.0',
      ),
    ]);
  });

  it('fails when no service runs the registry image', () => {
    const broken = withCompose(ctx, (c) => {
      c.services['apicurio']!.image = 'confluentinc/cp-schema-registry:7.9.0';
    });
    expect(nativeVersionCheck.run(broken)).toEqual([
      expect.stringContaining('no service runs apicurio/apicurio-registry'),
    ]);
  });
});
