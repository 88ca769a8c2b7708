import { GroupCommit } from '../src/group-commit';

/** A writer whose batches finish when the test says so, recording what each batch held. */
function heldWriter() {
  const batches: string[][] = [];
  const releases: (() => void)[] = [];
  const write = async (items: string[]) => {
    batches.push(items);
    await new Promise<void>((resolve) => releases.push(resolve));
    if (items.includes('bad')) throw new Error('bad item');
    return items.map((item) => item.toUpperCase());
  };
  /** Lets the oldest unfinished batch finish, then waits until the next one (if any) has started. */
  const release = async () => {
    releases.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { batches, write, release };
}

describe('GroupCommit', () => {
  it('writes a lone item at once, without waiting for company', async () => {
    const writer = heldWriter();
    const commit = new GroupCommit(writer.write);
    const result = commit.submit('a');
    expect(writer.batches).toEqual([['a']]);
    await writer.release();
    await expect(result).resolves.toBe('A');
  });

  it('puts everything submitted during a batch into the next one, each caller getting its own result', async () => {
    const writer = heldWriter();
    const commit = new GroupCommit(writer.write);
    const first = commit.submit('a');
    const rest = ['b', 'c', 'd'].map((item) => commit.submit(item));
    expect(writer.batches).toEqual([['a']]);
    await writer.release();
    expect(writer.batches).toEqual([['a'], ['b', 'c', 'd']]);
    await writer.release();
    await expect(Promise.all([first, ...rest])).resolves.toEqual(['A', 'B', 'C', 'D']);
  });

  it('never writes more than maxBatch at once', async () => {
    const writer = heldWriter();
    const commit = new GroupCommit(writer.write, { maxBatch: 2 });
    const all = ['a', 'b', 'c', 'd', 'e'].map((item) => commit.submit(item));
    for (let i = 0; i < 3; i++) await writer.release();
    await expect(Promise.all(all)).resolves.toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(writer.batches).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });

  it('fails only the bad item of a failed batch: the others are written again alone', async () => {
    const writer = heldWriter();
    const commit = new GroupCommit(writer.write);
    const first = commit.submit('a');
    const results = ['b', 'bad', 'c'].map((item) => commit.submit(item).then((value) => ({ value }), (error: Error) => ({ error: error.message })));
    await writer.release();
    await writer.release(); // the batch [b, bad, c] fails
    for (let i = 0; i < 3; i++) await writer.release(); // then each alone
    await expect(first).resolves.toBe('A');
    await expect(Promise.all(results)).resolves.toEqual([{ value: 'B' }, { error: 'bad item' }, { value: 'C' }]);
    expect(writer.batches).toEqual([['a'], ['b', 'bad', 'c'], ['b'], ['bad'], ['c']]);
  });

  it('refuses a writer that returns a result count other than the items\' count', async () => {
    const commit = new GroupCommit(async (items: string[]) => items.slice(1));
    await expect(commit.submit('a')).rejects.toThrow(/returned 0 results for 1 items/);
  });

  it('refuses a maxBatch that is not a positive whole number', () => {
    expect(() => new GroupCommit(async (items: string[]) => items, { maxBatch: 0 })).toThrow(/positive whole maxBatch/);
  });

  it('refuses a negative lingerMs', () => {
    expect(() => new GroupCommit(async (items: string[]) => items, { lingerMs: -1 })).toThrow(/lingerMs of 0 or more/);
  });

  describe('with lingerMs', () => {
    // The writer's batches end on setImmediate, which stays real; the clock and the linger's timer are faked.
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }));
    afterEach(() => jest.useRealTimers());

    it('gathers a batch until its first item has waited lingerMs, then writes what came meanwhile together', async () => {
      const writer = heldWriter();
      const commit = new GroupCommit(writer.write, { lingerMs: 10 });
      const items = [commit.submit('a')];
      jest.advanceTimersByTime(4);
      items.push(commit.submit('b'));
      jest.advanceTimersByTime(5);
      expect(writer.batches).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(writer.batches).toEqual([['a', 'b']]);
      await writer.release();
      await expect(Promise.all(items)).resolves.toEqual(['A', 'B']);
    });

    it('counts the time an item waited behind the batch being written', async () => {
      const writer = heldWriter();
      const commit = new GroupCommit(writer.write, { lingerMs: 10 });
      void commit.submit('a');
      jest.advanceTimersByTime(10);
      const b = commit.submit('b');
      jest.advanceTimersByTime(7);
      await writer.release();
      expect(writer.batches).toEqual([['a']]);
      jest.advanceTimersByTime(3);
      expect(writer.batches).toEqual([['a'], ['b']]);
      await writer.release();
      await expect(b).resolves.toBe('B');
    });

    it('writes what is submitted in one turn together, even when the clock passes the deadline meanwhile', async () => {
      // A starved machine (CI beside CPU hogs) can stall the middle of a burst for longer than the linger.
      const writer = heldWriter();
      const commit = new GroupCommit(writer.write, { lingerMs: 10 });
      const items = [commit.submit('a')];
      jest.setSystemTime(Date.now() + 25);
      items.push(commit.submit('b'), commit.submit('c'));
      expect(writer.batches).toEqual([]);
      // The turn ends; the linger's timer, long due, fires.
      jest.advanceTimersByTime(10);
      expect(writer.batches).toEqual([['a', 'b', 'c']]);
      await writer.release();
      await expect(Promise.all(items)).resolves.toEqual(['A', 'B', 'C']);
    });

    it('writes a full batch at once, without waiting', async () => {
      const writer = heldWriter();
      const commit = new GroupCommit(writer.write, { maxBatch: 2, lingerMs: 10 });
      const full = [commit.submit('a'), commit.submit('b')];
      expect(writer.batches).toEqual([['a', 'b']]);
      await writer.release();
      await expect(Promise.all(full)).resolves.toEqual(['A', 'B']);
    });
  });
});
