import { interpolate, interpolateTree, InterpolationError, type VariableReference } from './interpolate';

describe('compose interpolation', () => {
  it('applies defaults the way compose does (:- also for empty, - only for unset)', () => {
    expect(interpolate('${A:-x}', {})).toBe('x');
    expect(interpolate('${A:-x}', { A: '' })).toBe('x');
    expect(interpolate('${A-x}', { A: '' })).toBe('');
    expect(interpolate('${A-x}', { A: 'set' })).toBe('set');
    expect(interpolate('127.0.0.1:${PORT:-9092}:9094', {})).toBe('127.0.0.1:9092:9094');
  });

  it('keeps $$ as a literal dollar and reads bare $VAR', () => {
    expect(interpolate('echo $$HOME $USER', { USER: 'me' })).toBe('echo $HOME me');
  });

  it('refuses ${VAR:?message} when VAR is unset, naming it', () => {
    expect(() => interpolate('${LICENSE:?accept the licence}', {})).toThrow(InterpolationError);
    expect(() => interpolate('${LICENSE:?accept the licence}', {})).toThrow(
      'LICENSE is required: accept the licence',
    );
  });

  it('records every reference with its default, in values only', () => {
    const seen: VariableReference[] = [];
    const out = interpolateTree({ '${KEY}': ['${A:-1}', { b: '${B}' }], n: 3 }, { B: 'b' }, seen);
    expect(out).toEqual({ '${KEY}': ['1', { b: 'b' }], n: 3 });
    expect(seen).toEqual([
      { name: 'A', fallback: '1' },
      { name: 'B', fallback: undefined },
    ]);
  });
});
