import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { K8sObject } from '../manifest';
import { deployment, goodContainer, setOf } from '../testing/fixtures';
import { checkVersions, parseEnvFile, stackVersions } from './version-policy';

const kafka = (version: string): K8sObject => ({
  apiVersion: 'kafka.strimzi.io/v1',
  kind: 'Kafka',
  metadata: { name: 'eda' },
  spec: { kafka: { version, listeners: [] } },
});
const expected = { kafka: '4.1.2', apicurio: '3.3.3' };

describe('version policy', () => {
  it('reads the pins from tools/stack/versions.env', () => {
    const versions = stackVersions(readFileSync(join(__dirname, '../../../stack/versions.env'), 'utf8'));
    expect(versions).toEqual({
      kafka: expect.stringMatching(/^4\.1\.\d$/),
      apicurio: expect.stringMatching(/^3\./),
    });
    expect(parseEnvFile('# c\nA=1\nB="two"\n')).toEqual({ A: '1', B: 'two' });
  });

  it('accepts matching Kafka and Apicurio versions', () => {
    const registry = deployment(
      goodContainer({ image: 'quay.io/apicurio/apicurio-registry:3.3.3' }),
      'apicurio-registry',
    );
    expect(checkVersions(expected, [setOf('fixture', [kafka('4.1.2'), registry], 'prod')])).toEqual([]);
  });

  it('fails when the Strimzi Kafka CR runs another Kafka version', () => {
    const [violation] = checkVersions(expected, [setOf('fixture', [kafka('4.0.0')], 'prod')]);
    expect(violation?.message).toBe(
      'spec.kafka.version is "4.0.0", but tools/stack/versions.env pins KAFKA_VERSION=4.1.2',
    );
  });

  it('fails when the registry image is another Apicurio version', () => {
    const registry = deployment(
      goodContainer({ image: 'quay.io/apicurio/apicurio-registry:3.0.0' }),
      'apicurio-registry',
    );
    expect(
      checkVersions(expected, [setOf('fixture', [kafka('4.1.2'), registry], 'prod')])[0]?.message,
    ).toMatch(/Apicurio 3.0.0/);
  });

  it('fails when no env renders a Kafka CR at all', () => {
    expect(checkVersions(expected, [setOf('fixture', [], 'prod')])[0]?.message).toMatch(
      /no Strimzi Kafka CR/,
    );
  });
});
