import { spawn } from 'node:child_process';
import { readProcessMemory, resetPeakRss, waitFor } from '@edoc/testing';

const MB = 1024 * 1024;

describe('process memory from /proc', () => {
  it('reads the RSS and its peak of a running process, and nothing of one that is gone', () => {
    const memory = readProcessMemory(process.pid)!;
    expect(memory.rssBytes).toBeGreaterThan(10 * MB);
    expect(memory.peakRssBytes).toBeGreaterThanOrEqual(memory.rssBytes);
    expect(readProcessMemory(2 ** 22 + 1)).toBeUndefined();
  });

  it('sets the peak back to the current RSS, so a phase can be measured on its own', async () => {
    // A child that touched 200 MB once and let it go: its peak stays high until it is reset.
    const child = spawn(process.execPath, ['--expose-gc', '-e', "let b = Buffer.alloc(200 * 1024 * 1024, 1); b = null; gc(); console.log('freed'); setTimeout(() => {}, 60000);"]);
    try {
      await new Promise((resolve) => child.stdout.once('data', resolve));
      // The freed pages go back to the system soon, not at once (later still on a loaded machine).
      const before = await waitFor('the child to give the 200 MB back', () => {
        const memory = readProcessMemory(child.pid!)!;
        return memory.rssBytes < 150 * MB ? memory : undefined;
      }, { timeoutMs: 20_000, intervalMs: 100 });
      expect(before.peakRssBytes).toBeGreaterThan(200 * MB);
      expect(resetPeakRss(child.pid!)).toBe(true);
      expect(readProcessMemory(child.pid!)!.peakRssBytes).toBeLessThan(150 * MB);
    } finally {
      child.kill();
    }
  }, 30_000);
});
