import { withinDeadline } from '@edoc/messaging';

describe('withinDeadline', () => {
  it('gives the answer that comes in time', async () => {
    await expect(withinDeadline(Promise.resolve('open'), 1_000, 'opening')).resolves.toBe('open');
  });

  it('passes on a failure that comes in time', async () => {
    await expect(withinDeadline(Promise.reject(new Error('refused')), 1_000, 'opening')).rejects.toThrow('refused');
  });

  it('gives up on an answer that never comes, naming what it waited for', async () => {
    await expect(withinDeadline(new Promise<never>(() => undefined), 20, 'opening channel publisher')).rejects.toThrow(
      'opening channel publisher: no answer from the broker within 20 ms',
    );
  });

  it('hands an answer that comes too late to the clean-up, so a late channel is not leaked', async () => {
    let release: (value: string) => void = () => undefined;
    const late = new Promise<string>((resolve) => (release = resolve));
    const discarded: string[] = [];
    await expect(withinDeadline(late, 10, 'opening', (value) => discarded.push(value))).rejects.toThrow(/within 10 ms/);
    release('channel 7');
    await late;
    await new Promise((resolve) => setImmediate(resolve));
    expect(discarded).toEqual(['channel 7']);
  });
});
