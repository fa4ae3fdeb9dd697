import { deployment, goodContainer, setOf } from '../testing/fixtures';
import { checkApicurioKafkaSettings } from './apicurio-settings-check';

const registry = (env: Record<string, string>) =>
  setOf(
    'fixture',
    [
      deployment(
        goodContainer({ env: Object.entries(env).map(([name, value]) => ({ name, value })) }),
        'apicurio-registry',
      ),
    ],
    'prod',
  );

const deployed = {
  APICURIO_STORAGE_KIND: 'kafkasql',
  APICURIO_KAFKASQL_TOPIC: 'kafkasql-journal',
  APICURIO_KAFKASQL_SNAPSHOTS_TOPIC: 'kafkasql-snapshots',
  APICURIO_KAFKASQL_CONSUMER_GROUP_PREFIX: 'apicurio-registry-',
};

describe('Apicurio Kafka settings against the declared registry access', () => {
  it('accepts the deployed settings (events topic at its default)', () => {
    expect(checkApicurioKafkaSettings([registry(deployed)])).toEqual([]);
  });

  it("fails on Apicurio's default group prefix, which the ACLs do not grant", () => {
    const { APICURIO_KAFKASQL_CONSUMER_GROUP_PREFIX: _prefix, ...rest } = deployed;
    expect(checkApicurioKafkaSettings([registry(rest)]).map((v) => v.message)).toEqual([
      expect.stringMatching(/APICURIO_KAFKASQL_CONSUMER_GROUP_PREFIX is "apicurio-" \(Apicurio's default\)/),
    ]);
  });

  it('fails on a renamed journal topic', () => {
    expect(
      checkApicurioKafkaSettings([registry({ ...deployed, APICURIO_KAFKASQL_TOPIC: 'journal' })]).map(
        (v) => v.message,
      ),
    ).toEqual([expect.stringMatching(/APICURIO_KAFKASQL_TOPIC is "journal", but .* "kafkasql-journal"/)]);
  });
});
