import { loadOptions, LoadOptionsError } from './load-options';

describe('loadOptions', () => {
  it('defaults to five minutes at a fixed rate', () => {
    const o = loadOptions([], {});
    expect(o).toMatchObject({ mode: 'fixed', durationS: 300, warmupS: 30, dedupeWindowMs: 30_000 });
  });

  it('takes flags before the environment, and --smoke shortens the run', () => {
    const o = loadOptions(['--rate', '300', '--duration=60'], { LOAD_RATE: '100', LOAD_WARMUP_S: '10' });
    expect(o).toMatchObject({ rate: 300, durationS: 60, warmupS: 10 });
    expect(loadOptions(['--smoke'], {})).toMatchObject({ mode: 'smoke', durationS: 15 });
  });

  it('refuses unknown flags and bad numbers, naming them', () => {
    expect(() => loadOptions(['--rat', '1'], {})).toThrow(LoadOptionsError);
    expect(() => loadOptions(['--rate', 'fast'], {})).toThrow(/--rate .*"fast"/);
  });
});
