import { waitFor } from '@edoc/testing';

describe('waitFor with failFast', () => {
  it('ends the wait at once with what failFast throws, unchanged', async () => {
    const died = new Error('routing exited with code 1; its last output: ...');
    let polls = 0;
    const began = Date.now();
    const wait = waitFor('routing to be ready', () => false, { timeoutMs: 30_000, intervalMs: 20, failFast: () => {
      if (++polls === 3) throw died;
    } });
    await expect(wait).rejects.toBe(died);
    expect(Date.now() - began).toBeLessThan(1_000);
  });

  it('prefers the reason to a timeout when the child dies during the last check', async () => {
    let dead = false;
    const lastCheck = async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      dead = true;
      return false;
    };
    const wait = waitFor('a line', lastCheck, { timeoutMs: 30, intervalMs: 10, failFast: () => {
      if (dead) throw new Error('the child died');
    } });
    await expect(wait).rejects.toThrow('the child died');
  });

  it('still times out, naming what it waited for, when nothing fails', async () => {
    await expect(waitFor('a line', () => false, { timeoutMs: 30, intervalMs: 10, failFast: () => undefined })).rejects.toThrow('timed out waiting for a line');
  });
});
