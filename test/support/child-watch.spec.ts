import { waitFor } from '@edoc/testing';
import { ChildExitedError, ChildWatch } from './child-watch';

/** A Node child running `script`. */
function node(name: string, script: string): ChildWatch {
  return ChildWatch.spawn({ name, command: process.execPath, args: ['-e', script] });
}

describe('ChildWatch', () => {
  const children: ChildWatch[] = [];
  afterEach(async () => {
    await Promise.all(children.splice(0).map((child) => child.stop('SIGKILL')));
  });

  it('fails a wait at once when the child dies, with its name, exit code and last output', async () => {
    const child = node('routing', "console.log('booting'); console.error('fatal: port 3001 in use'); setTimeout(() => process.exit(3), 200)");
    children.push(child);
    const began = Date.now();
    const failure = await waitFor('routing to be ready', () => false, { timeoutMs: 30_000, intervalMs: 50, failFast: () => child.assertAlive() }).catch((error: unknown) => error);
    expect(Date.now() - began).toBeLessThan(5_000);
    expect(failure).toBeInstanceOf(ChildExitedError);
    expect((failure as Error).message).toMatch(/^routing \(pid \d+\) exited with code 3 without being asked to; its last output:\nbooting\nfatal: port 3001 in use$/);
  });

  it('names the signal that killed it', async () => {
    const child = node('ward 000.32.13.H26', "process.kill(process.pid, 'SIGKILL')");
    children.push(child);
    await child.exited;
    await waitFor('the output to close', () => child.failure !== undefined, { timeoutMs: 5_000 });
    expect(child.failure?.message).toMatch(/^ward 000\.32\.13\.H26 \(pid \d+\) was killed by SIGKILL without being asked to; its last output:\n\(none\)$/);
  });

  it('takes an exit the test asked for as no failure', async () => {
    const child = node('archival', 'setInterval(() => undefined, 1000)');
    children.push(child);
    expect(child.running).toBe(true);
    expect(await child.stop('SIGTERM')).toEqual({ code: null, signal: 'SIGTERM' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(child.failure).toBeUndefined();
    expect(() => child.assertAlive()).not.toThrow();
  });

  it('kills a child that ignores the stop signal once killAfterMs has passed', async () => {
    const child = node('stubborn', "process.on('SIGTERM', () => undefined); console.log('up'); setInterval(() => undefined, 1000)");
    children.push(child);
    await waitFor('the child to be up', () => child.output().includes('up'), { timeoutMs: 5_000 });
    expect(await child.stop('SIGTERM', { killAfterMs: 200 })).toEqual({ code: null, signal: 'SIGKILL' });
    expect(child.failure).toBeUndefined();
  });

  it('keeps only the last 64 KiB of a long output, and its lines for whoever listens', async () => {
    const child = node('chatty', "for (let i = 0; i < 5000; i++) console.log(`line ${i} ${'x'.repeat(40)}`); console.error('a warning'); console.log('the end'); process.exitCode = 1");
    children.push(child);
    const lines: string[] = [];
    child.onLine((line, stream) => lines.push(`${stream}: ${line}`));
    const failure = await waitFor<never>('the exit', () => false, { timeoutMs: 10_000, failFast: () => child.assertAlive() }).catch((error: Error) => error);
    const output = child.output();
    expect(output).toMatch(/^\[\d+ earlier bytes not kept\]\n/);
    expect(Buffer.byteLength(output.slice(output.indexOf('\n') + 1))).toBe(64 * 1024);
    expect(output).toMatch(/line 4999 x+\nthe end\n/);
    expect(failure.message).toContain('exited with code 1');
    expect(lines).toHaveLength(5002);
    expect(lines.filter((line) => line.startsWith('stderr: '))).toEqual(['stderr: a warning']);
    // stdout and stderr are two pipes: their lines interleave as the reader gets them, each in its own order.
    expect(lines.filter((line) => line.startsWith('stdout: ')).at(-1)).toBe('stdout: the end');
  });

  it('reports a child that could not be started at all', async () => {
    const child = ChildWatch.spawn({ name: 'ghost', command: '/nonexistent/edoc-binary', args: [] });
    children.push(child);
    await waitFor('the spawn error', () => child.failure !== undefined, { timeoutMs: 5_000 });
    expect(child.failure?.message).toMatch(/^ghost \(pid -\) could not be started \(spawn \/nonexistent\/edoc-binary ENOENT\)/);
  });
});
