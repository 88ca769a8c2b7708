import { Logger } from '@nestjs/common';
import { PeriodicTask } from '../src/periodic-task';
import type { ServiceReadiness } from '../src/readiness';

describe('a periodic task', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());
  const readiness = (ready: { value: boolean }) => ({ isReady: () => ready.value }) as unknown as ServiceReadiness;
  const logger = () => {
    const log = new Logger('test');
    const warnings: string[] = [];
    jest.spyOn(log, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    return { log, warnings };
  };

  it('runs only once the service is ready, never two runs at once, and logs a failure without stopping', async () => {
    const ready = { value: false };
    let runs = 0;
    let finish: (() => void) | undefined;
    const { log, warnings } = logger();
    const task = new PeriodicTask('the scan', 1000, () => {
      runs++;
      if (runs === 2) return Promise.reject(new Error('database away'));
      return new Promise<void>((resolve) => (finish = resolve));
    }, readiness(ready), log);
    task.start();
    await jest.advanceTimersByTimeAsync(3000);
    expect(runs).toBe(0);
    ready.value = true;
    await jest.advanceTimersByTimeAsync(5000);
    // The first run has not finished: no second one starts over it.
    expect(runs).toBe(1);
    finish?.();
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(2);
    expect(warnings).toEqual(['the scan failed: database away']);
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(3);
    const stopped = task.stop();
    finish?.();
    await stopped;
    await jest.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(3);
  });
});
