import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  COMPOSE_FILE,
  composeContextFrom,
  ENV_EXAMPLE_FILE,
  loadComposeContext,
  withFile,
} from '../compose-context';
import { envExampleCheck } from './env-example-check';

describe('env-example check', () => {
  const ctx = loadComposeContext();
  const composeText = readFileSync(join(ctx.root, COMPOSE_FILE), 'utf8');
  const example = ctx.readText(ENV_EXAMPLE_FILE);

  it('passes: .env.example documents exactly what compose reads, with its defaults', () => {
    expect(envExampleCheck.run(ctx)).toEqual([]);
  });

  it('fails when compose reads a variable .env.example does not document', () => {
    const text = composeText.replace(
      'KAFKA_HEAP_OPTS: -Xms256m -Xmx1g',
      'KAFKA_HEAP_OPTS: ${EDA_KAFKA_HEAP:--Xmx1g}',
    );
    expect(envExampleCheck.run(composeContextFrom(ctx.root, text))).toEqual([
      'docker-compose.yml reads ${EDA_KAFKA_HEAP}, which .env.example does not document',
    ]);
  });

  it('fails when a variable has no default (plain `up` would get an empty value)', () => {
    const text = composeText.replace('${EDA_GRAFANA_PORT:-3300}', '${EDA_GRAFANA_PORT}');
    expect(envExampleCheck.run(composeContextFrom(ctx.root, text))).toEqual([
      expect.stringContaining('reads ${EDA_GRAFANA_PORT} without a default'),
    ]);
  });

  it('fails when .env.example states another default than compose', () => {
    const broken = withFile(
      ctx,
      ENV_EXAMPLE_FILE,
      example.replace('EDA_KAFKA_PORT=9092', 'EDA_KAFKA_PORT=29092'),
    );
    expect(envExampleCheck.run(broken)).toEqual([
      "EDA_KAFKA_PORT: docker-compose.yml defaults to '9092' but .env.example says '29092'",
    ]);
  });

  it('fails when .env.example documents a variable compose never reads', () => {
    const broken = withFile(ctx, ENV_EXAMPLE_FILE, `${example}EDA_UNUSED=1\n`);
    expect(envExampleCheck.run(broken)).toEqual([
      '.env.example documents EDA_UNUSED, which docker-compose.yml never reads',
    ]);
  });
});
