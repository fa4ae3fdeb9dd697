import { EnvVariableError, readIntegerEnv } from './integer-env';

class AppConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable} ${detail}`);
  }
}
const appError = (variable: string, detail: string) => new AppConfigError(variable, detail);

describe('readIntegerEnv', () => {
  it('reads the value, and the fallback when the variable is unset or empty', () => {
    expect(readIntegerEnv({ N: '42' }, 'N', { fallback: 7, min: 1, max: 100 })).toBe(42);
    expect(readIntegerEnv({}, 'N', { fallback: 7, min: 1, max: 100 })).toBe(7);
    expect(readIntegerEnv({ N: '' }, 'N', { fallback: 7, min: 1, max: 100 })).toBe(7);
  });

  it('reads an unset variable without a fallback as undefined', () => {
    expect(readIntegerEnv({}, 'N', { min: 1, max: 100 })).toBeUndefined();
    expect(readIntegerEnv({ N: '5' }, 'N', { min: 1, max: 100 })).toBe(5);
  });

  it('accepts both bounds and rejects what lies outside, naming the range', () => {
    expect(readIntegerEnv({ N: '1' }, 'N', { fallback: 7, min: 1, max: 100 })).toBe(1);
    expect(readIntegerEnv({ N: '100' }, 'N', { fallback: 7, min: 1, max: 100 })).toBe(100);
    expect(() => readIntegerEnv({ N: '101' }, 'N', { fallback: 7, min: 1, max: 100 }, appError)).toThrow(
      new AppConfigError('N', 'must be an integer from 1 to 100, got "101"'),
    );
  });

  it.each([
    ['1.5', 'not an integer'],
    ['abc', 'not a number'],
    ['-1', 'below min'],
  ])('rejects "%s" (%s) with the caller\'s error type', (raw) => {
    expect(() => readIntegerEnv({ N: raw }, 'N', { fallback: 7, min: 0, max: 10 }, appError)).toThrow(
      AppConfigError,
    );
  });

  it('says positive or non-negative when there is no upper bound', () => {
    expect(() => readIntegerEnv({ N: '0' }, 'N', { fallback: 7, min: 1 }, appError)).toThrow(
      'N must be a positive integer, got "0"',
    );
    expect(() => readIntegerEnv({ N: '-3' }, 'N', { fallback: 7, min: 0 }, appError)).toThrow(
      'N must be a non-negative integer, got "-3"',
    );
  });

  it('throws a non-retriable EnvVariableError when the caller brings no error type', () => {
    let error: unknown;
    try {
      readIntegerEnv({ PORT: 'http' }, 'PORT', { fallback: 3000, min: 1, max: 65_535 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EnvVariableError);
    expect(error).toMatchObject({ variable: 'PORT', code: 'EDA_ENV_VARIABLE', retriable: false });
    expect((error as Error).message).toBe(
      'PORT must be an integer from 1 to 65535, got "http". Fix the environment and restart.',
    );
  });
});
