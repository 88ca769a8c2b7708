import { together } from '@edoc/db';

const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
const failLater = (ms: number, message: string) => new Promise<never>((_, reject) => setTimeout(() => reject(new Error(message)), ms));

describe('together', () => {
  it('gives the results in the order the statements were sent', async () => {
    const [claimed, locked] = await together(later(20, true), later(1, new Map([['a', 1]])));
    expect(claimed).toBe(true);
    expect(locked.get('a')).toBe(1);
  });

  it('throws only once every statement has settled', async () => {
    let slowDone = false;
    const slow = later(30, 'lock').then((value) => {
      slowDone = true;
      return value;
    });
    await expect(together(Promise.reject(new Error('claim failed')), slow)).rejects.toThrow('claim failed');
    expect(slowDone).toBe(true);
  });

  it('throws the first failure in the order sent, not in time', async () => {
    // The server runs them in order: the second fails because the first did ("transaction is aborted").
    await expect(together(failLater(20, 'the real cause'), failLater(1, 'current transaction is aborted'))).rejects.toThrow('the real cause');
  });
});
