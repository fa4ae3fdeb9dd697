/**
 * The Kafka stand-in image's launch script (tools/docker/standins/kafka/run)
 * maps the environment to server.properties by the official image's rule, so
 * docker-compose.yml's KAFKA_* settings mean on the stand-in what they mean on
 * apache/kafka. Runs the real script in its dry-run mode, on a copy of the
 * image's /opt/kafka layout.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const STANDIN = join(__dirname, '../standins/kafka');

/** server.properties as the script writes it for `env`, one line per property. */
function configFor(env: Record<string, string>, shared?: string): string[] {
  const home = mkdtempSync(join(tmpdir(), 'standin-kafka-'));
  try {
    mkdirSync(join(home, 'config'));
    cpSync(join(STANDIN, 'config/server.properties'), join(home, 'config/server.properties'));
    if (shared !== undefined) {
      mkdirSync(join(home, 'shared'));
      writeFileSync(join(home, 'shared/server.properties'), shared);
    }
    const run = spawnSync('bash', [join(STANDIN, 'run')], {
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        EDA_STANDIN_KAFKA_HOME: home,
        EDA_STANDIN_DRY_RUN: 'true',
        ...env,
      },
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`run exited ${run.status}: ${run.stderr}`);
    return run.stdout
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .sort();
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

describe('the Kafka stand-in launch script', () => {
  it('maps KAFKA_* to properties: _ -> ., __ -> _, ___ -> -, lower-cased', () => {
    expect(
      configFor({
        KAFKA_NODE_ID: '1',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        KAFKA_LISTENER_NAME_INTERNAL_SSL__ENDPOINT_IDENTIFICATION_ALGORITHM: '',
        KAFKA_CONFLUENT___SUPPORT_METRICS_ENABLE: 'false',
      }),
    ).toEqual([
      'confluent-support.metrics.enable=false',
      'listener.name.internal.ssl_endpoint.identification.algorithm=',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'node.id=1',
    ]);
  });

  it('leaves out the variables that configure the JVM, not the broker', () => {
    expect(
      configFor({
        KAFKA_NODE_ID: '2',
        KAFKA_HEAP_OPTS: '-Xmx1g',
        KAFKA_OPTS: '-Dx=y',
        KAFKA_LOG4J_OPTS: '-Dz',
      }),
    ).toEqual(['node.id=2']);
  });

  it('uses the default single-node KRaft file when no property is set', () => {
    const config = configFor({ KAFKA_HEAP_OPTS: '-Xmx1g' });
    expect(config).toEqual(expect.arrayContaining(['process.roles=broker,controller', 'node.id=1']));
  });

  it('starts from a mounted /mnt/shared/config/server.properties and appends the environment', () => {
    expect(configFor({ KAFKA_NODE_ID: '3' }, 'log.retention.hours=1\n')).toEqual([
      'log.retention.hours=1',
      'node.id=3',
    ]);
  });
});
