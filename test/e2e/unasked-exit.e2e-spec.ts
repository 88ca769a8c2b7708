import { ChildExitedError } from '../support/child-watch';
import { TestExchange } from '../support/test-exchange';

describe('a service that dies without the test asking', () => {
  let exchange: TestExchange;

  beforeAll(async () => {
    exchange = await TestExchange.start();
  });

  afterAll(async () => {
    await exchange?.stop();
  });

  it('fails the waits on the exchange at once, with its name, how it ended and its last output', async () => {
    const metrics = exchange.processes.get('metrics')!;
    // Behind the exchange's back: what a crash looks like, unlike stopService().
    metrics.child.kill('SIGKILL');
    const began = Date.now();
    const failure = await exchange.waitFor<never>('something that now cannot happen', () => false, { timeoutMs: 60_000, intervalMs: 500 }).catch((error: Error) => error);
    expect(Date.now() - began).toBeLessThan(5_000);
    expect(failure).toBeInstanceOf(ChildExitedError);
    expect(failure.message).toMatch(/^the metrics service \(pid \d+\) was killed by SIGKILL without being asked to; its last output:\n.+/);
    expect(failure.message).not.toContain('(none)');
    await expect(exchange.waitReady('intake', 60_000)).rejects.toThrow('the metrics service');
  });
});
