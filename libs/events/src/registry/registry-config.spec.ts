import { RegistryConfigError, registryConfigFromEnv } from './registry-config';

describe('registryConfigFromEnv', () => {
  it('defaults to the native stack without auth', () => {
    expect(registryConfigFromEnv({})).toEqual({
      url: 'http://127.0.0.1:8081/apis/ccompat/v7',
      timeoutMs: 5000,
      retries: 3,
    });
  });

  it('reads basic auth and strips trailing slashes', () => {
    const config = registryConfigFromEnv({
      SCHEMA_REGISTRY_URL: 'https://registry:8443/apis/ccompat/v7/',
      SCHEMA_REGISTRY_USERNAME: 'deployer',
      SCHEMA_REGISTRY_PASSWORD: 's3cret',
    });
    expect(config).toMatchObject({
      url: 'https://registry:8443/apis/ccompat/v7',
      auth: { username: 'deployer', password: 's3cret' },
    });
  });

  it.each([
    [{ SCHEMA_REGISTRY_URL: 'registry:8081' }, 'SCHEMA_REGISTRY_URL must be an http(s) URL'],
    [{ SCHEMA_REGISTRY_USERNAME: 'only-user' }, 'must be set together'],
    [
      { SCHEMA_REGISTRY_TIMEOUT_MS: 'soon' },
      'SCHEMA_REGISTRY_TIMEOUT_MS must be a positive integer, got "soon"',
    ],
  ])('names the variable that is wrong: %j', (env, message) => {
    expect(() => registryConfigFromEnv(env)).toThrow(RegistryConfigError);
    expect(() => registryConfigFromEnv(env)).toThrow(message);
  });
});
