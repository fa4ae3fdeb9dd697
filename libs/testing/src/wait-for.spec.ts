import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('returns the first defined value', async () => {
    let calls = 0;
    const value = await waitFor('the third call', () => (++calls >= 3 ? calls : undefined), 1000, 1);
    expect(value).toBe(3);
  });

  it('names what it waited for and the last error when it times out', async () => {
    await expect(
      waitFor(
        'a broker',
        () => {
          throw new Error('connection refused');
        },
        30,
        5,
      ),
    ).rejects.toThrow('timed out after 30 ms waiting for a broker; last error: connection refused');
  });
});
