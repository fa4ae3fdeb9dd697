import { loadComposeContext, STACK_SCRIPT, withCompose, withFile } from '../compose-context';
import {
  kafkaImageVariable,
  nativeBrokerProperties,
  nativeParityCheck,
  nativeRegistrySettings,
} from './native-parity-check';

describe('native-parity check', () => {
  const ctx = loadComposeContext();
  const script = ctx.readText(STACK_SCRIPT);

  it('maps broker properties to the apache/kafka image variables', () => {
    expect(kafkaImageVariable('auto.create.topics.enable')).toBe('KAFKA_AUTO_CREATE_TOPICS_ENABLE');
    expect(kafkaImageVariable('a_b.c-d')).toBe('KAFKA_A__B_C___D');
  });

  it('reads what the native stack configures', () => {
    expect(nativeBrokerProperties(script).get('auto.create.topics.enable')).toBe('false');
    expect(nativeBrokerProperties(script).get('transaction.state.log.replication.factor')).toBe('1');
    expect(nativeRegistrySettings(script).get('APICURIO_STORAGE_KIND')).toBe('kafkasql');
  });

  it('passes: compose configures Kafka and Apicurio like the native stack', () => {
    expect(nativeParityCheck.run(ctx)).toEqual([]);
  });

  it('fails when compose lets Kafka auto-create topics', () => {
    const broken = withCompose(ctx, (c) => {
      (c.services['kafka']!.environment as Record<string, string>)['KAFKA_AUTO_CREATE_TOPICS_ENABLE'] =
        'true';
    });
    expect(nativeParityCheck.run(broken)).toEqual([
      'service kafka: KAFKA_AUTO_CREATE_TOPICS_ENABLE=true, native stack has auto.create.topics.enable=false',
    ]);
  });

  it('fails when an internal-topic replication setting is missing', () => {
    const broken = withCompose(ctx, (c) => {
      delete (c.services['kafka']!.environment as Record<string, string>)[
        'KAFKA_TRANSACTION_STATE_LOG_MIN_ISR'
      ];
    });
    expect(nativeParityCheck.run(broken)).toEqual([
      expect.stringContaining('KAFKA_TRANSACTION_STATE_LOG_MIN_ISR=(unset)'),
    ]);
  });

  it('fails when the registry drops a setting the native stack passes', () => {
    const broken = withCompose(ctx, (c) => {
      delete (c.services['apicurio']!.environment as Record<string, string>)[
        'APICURIO_CCOMPAT_LEGACY_ID_MODE_ENABLED'
      ];
    });
    expect(nativeParityCheck.run(broken)).toEqual([
      expect.stringContaining('APICURIO_CCOMPAT_LEGACY_ID_MODE_ENABLED=(unset)'),
    ]);
  });

  it('fails when the native stack gains a broker setting that compose lacks', () => {
    const grown = script.replace(
      'auto.create.topics.enable=false',
      'auto.create.topics.enable=false\nlog.cleaner.enable=false',
    );
    expect(nativeParityCheck.run(withFile(ctx, STACK_SCRIPT, grown))).toEqual([
      'service kafka: KAFKA_LOG_CLEANER_ENABLE=(unset), native stack has log.cleaner.enable=false',
    ]);
  });
});
