import { setTimeout as sleep } from 'node:timers/promises';
import { mapInParallel } from './in-parallel';

describe('mapInParallel', () => {
  it('keeps the order of the items, whatever order the work finishes in', async () => {
    const results = await mapInParallel([30, 5, 20, 0, 10], 3, async (ms) => {
      await sleep(ms);
      return ms * 2;
    });
    expect(results).toEqual([60, 10, 40, 0, 20]);
  });

  it('never runs more than the limit at once, and runs that many when it can', async () => {
    let running = 0;
    let most = 0;
    await mapInParallel(Array.from({ length: 20 }, (_, i) => i), 4, async () => {
      running++;
      most = Math.max(most, running);
      await sleep(2);
      running--;
    });
    expect(most).toBe(4);
  });

  it('fails with the first failure of the work', async () => {
    await expect(mapInParallel([1, 2, 3], 2, async (n) => {
      if (n === 2) throw new Error('two failed');
      return n;
    })).rejects.toThrow('two failed');
  });

  it('returns nothing for no items', async () => {
    expect(await mapInParallel([], 4, async () => 1)).toEqual([]);
  });
});
