/**
 * Proves the stack's Apicurio Registry serves the Confluent-compatible API the
 * serde and the schema deploy command rely on.
 */
import { stackEndpoints, uniqueName } from '../index';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const { registryUrl } = stackEndpoints();
  const res = await fetch(`${registryUrl}${path}`, {
    method,
    headers: { 'Content-Type': CONTENT_TYPE, Accept: CONTENT_TYPE },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe('Apicurio Registry (ccompat v7) on the native stack', () => {
  const subject = `${uniqueName('platform-check')}-value`;
  const schema = {
    type: 'record',
    name: 'PlatformCheck',
    namespace: 'eda.test',
    fields: [{ name: 'id', type: 'string' }],
  };

  afterAll(async () => {
    await call('DELETE', `/subjects/${encodeURIComponent(subject)}`);
  });

  it('registers an Avro schema and serves it back by id and by subject', async () => {
    const registered = await call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, {
      schemaType: 'AVRO',
      schema: JSON.stringify(schema),
    });
    expect(registered.status).toBe(200);
    const { id } = registered.json as { id: number };
    expect(Number.isInteger(id)).toBe(true);

    const byId = await call('GET', `/schemas/ids/${id}`);
    expect(byId.status).toBe(200);
    expect(JSON.parse((byId.json as { schema: string }).schema)).toEqual(schema);

    const latest = await call('GET', `/subjects/${encodeURIComponent(subject)}/versions/latest`);
    expect(latest.json).toMatchObject({ subject, version: 1, id });

    // Registering the same schema again is idempotent: same id, no new version.
    const again = await call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, {
      schemaType: 'AVRO',
      schema: JSON.stringify(schema),
    });
    expect(again.json).toEqual({ id });
  });

  it('answers an unknown schema id with 404 and a "not found" error code', async () => {
    const missing = await call('GET', '/schemas/ids/987654321');
    expect(missing.status).toBe(404);
    // Confluent answers 40403 (schema not found); Apicurio 3 answers 40401.
    // Clients must treat both as "unknown schema id".
    expect([40401, 40403]).toContain((missing.json as { error_code: number }).error_code);
  });
});
