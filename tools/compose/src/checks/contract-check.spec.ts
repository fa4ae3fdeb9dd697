import { loadComposeContext, withCompose, type ComposeFile } from '../compose-context';

const env = (c: ComposeFile, service: string): Record<string, string> =>
  c.services[service]!.environment as Record<string, string>;
import { subjectContractCheck, topicContractCheck } from './contract-check';

describe('topics and subjects checks', () => {
  const ctx = loadComposeContext();

  it('pass: every topic and subject compose names is declared', () => {
    expect(topicContractCheck.run(ctx)).toEqual([]);
    expect(subjectContractCheck.run(ctx)).toEqual([]);
  });

  it('fail on a misspelt topic', () => {
    const broken = withCompose(ctx, (c) => {
      env(c, 'store-simulator')['ITEMS_TOPIC'] = 'itmes';
    });
    expect(topicContractCheck.run(broken)).toEqual([
      expect.stringContaining(
        "service store-simulator: ITEMS_TOPIC names topic 'itmes', declared in none of",
      ),
    ]);
  });

  it('fail on one bad entry of a topic list', () => {
    const broken = withCompose(ctx, (c) => {
      env(c, 'inventory-dashboard')['DLQ_TOPICS'] = 'items.dlq, store.sales.dlq';
    });
    expect(topicContractCheck.run(broken)).toEqual([expect.stringContaining("topic 'store.sales.dlq'")]);
  });

  it('fail on a registry journal topic that gitops does not declare', () => {
    const broken = withCompose(ctx, (c) => {
      (c.services['apicurio']!.environment as Record<string, string>)['APICURIO_KAFKASQL_TOPIC'] =
        'registry-journal';
    });
    expect(topicContractCheck.run(broken)).toEqual([
      expect.stringContaining('service apicurio: APICURIO_KAFKASQL_TOPIC'),
    ]);
  });

  it('fail on a subject that schemas:deploy does not register', () => {
    const broken = withCompose(ctx, (c) => {
      env(c, 'store-simulator')['ITEMS_SUBJECT'] = 'items-values';
    });
    expect(subjectContractCheck.run(broken)).toEqual([
      "service store-simulator: ITEMS_SUBJECT names subject 'items-values', not in libs/events/schemas/subjects.json",
    ]);
  });
});
