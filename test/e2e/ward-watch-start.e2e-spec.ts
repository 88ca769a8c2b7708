import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { declareTopology } from '@edoc/messaging';
import { createTestVhost, waitFor, type TestVhost } from '@edoc/testing';
import { ChildWatch } from '../support/child-watch';
import { freePort } from '../support/free-port';

const ROOT = resolve(__dirname, '..', '..');
const CODE = '000.32.13.H26';
const CODE_PATTERN = CODE.replace(/\./g, '\\.');

/**
 * `edoc ward watch` at start, as a process (the built CLI): it waits for what can still come and
 * exits, with status 1 and the reason, only for what cannot. No services: edoc's HTTP API is
 * unreachable on purpose, and a ward must start without it.
 */
describe('edoc ward watch at start', () => {
  let vhost: TestVhost;
  let outDir: string;
  const username = `ward-watch-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(18).toString('base64url');
  const children: ChildWatch[] = [];

  function wardUrl(opts: { port?: number; password?: string } = {}): string {
    const url = new URL(vhost.amqpUrl);
    url.username = encodeURIComponent(username);
    url.password = encodeURIComponent(opts.password ?? password);
    if (opts.port !== undefined) url.port = String(opts.port);
    return url.toString();
  }

  function watch(amqpUrl: string, name: string): ChildWatch {
    const child = ChildWatch.spawn({
      name: `edoc ward watch (${name})`,
      command: process.execPath,
      args: [join(ROOT, 'bin', 'edoc.js'), 'ward', 'watch', '--code', CODE, '--out', join(outDir, name), '--url', 'http://127.0.0.1:1', '--token', 'unused-token'],
      env: { ...process.env, NO_COLOR: '1', EDOC_WARD_AMQP_URL: amqpUrl },
    });
    children.push(child);
    return child;
  }

  beforeAll(async () => {
    vhost = await createTestVhost({ prefix: 'edoc-ward-watch' });
    await vhost.management.putUser(username, password, []);
    await vhost.management.setPermissions(vhost.vhost, username, { configure: '^$', write: '^edoc\\.status$', read: `^inbox\\.${CODE_PATTERN}(\\.urgent)?$` });
    outDir = mkdtempSync(join(tmpdir(), 'edoc-ward-watch-'));
  });

  afterAll(async () => {
    await Promise.all(children.map((child) => child.stop('SIGKILL')));
    await vhost?.management.deleteUser(username).catch(() => undefined);
    await vhost?.drop();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('exits with status 1 at once, naming the user and not the password, when the broker refuses the login', async () => {
    const child = watch(wardUrl({ password: 'not-the-password-123' }), 'refused');
    // An exit nobody asked for is what ChildWatch reports as a failure: here it is the expected outcome.
    // "At once" is said by the output, not a stopwatch: it gives up on the first refusal, with no retry.
    const failure = await waitFor('the watch to give up', () => child.failure, { timeoutMs: 60_000 });
    expect(failure.message).toContain('exited with code 1');
    expect(child.output()).not.toContain('retrying in');
    expect(child.output()).toMatch(new RegExp(`edoc: cannot connect to RabbitMQ at amqp://${username}:\\*\\*\\*@.*: the broker refused the login of broker user "${username}" \\(ACCESS_REFUSED\\)`));
    expect(child.output()).not.toContain('not-the-password-123');
  });

  it('keeps trying while nothing listens on the broker port, saying why each time', async () => {
    const child = watch(wardUrl({ port: await freePort() }), 'no-broker');
    await waitFor('two retries', () => (child.output().match(/cannot connect to RabbitMQ .*ECONNREFUSED.*; retrying in/g) ?? []).length >= 2, { timeoutMs: 60_000, failFast: () => child.assertAlive() });
    expect(child.output()).toMatch(/\(attempt 1\).*retrying in 1 s\n(.|\n)*\(attempt 2\).*retrying in 2 s/);
    expect(child.output()).not.toContain(password);
  });

  it('waits for queues not declared yet, then consumes without edoc\'s HTTP API, and stops on SIGTERM with status 0', async () => {
    const child = watch(wardUrl(), 'late-queues');
    await waitFor('a retry for the missing queue', () => /queue inbox\.\S+ does not exist in virtual host .*\(yet\).*retrying in/.test(child.output()), { timeoutMs: 60_000, failFast: () => child.assertAlive() });
    expect(child.output()).not.toContain('saving to');
    await declareTopology(vhost.amqpUrl, {
      deadLetterExchange: 'edoc.dlx',
      exchanges: [{ name: 'edoc.inbox', type: 'direct' }, { name: 'edoc.status', type: 'topic' }],
      queues: [
        { name: `inbox.${CODE}`, bindings: [{ exchange: 'edoc.inbox', routingKey: CODE }] },
        { name: `inbox.${CODE}.urgent`, bindings: [{ exchange: 'edoc.inbox', routingKey: `${CODE}.urgent` }] },
      ],
    });
    await waitFor('the watch to consume', () => child.output().includes(`saving to ${join(outDir, 'late-queues')}`), { timeoutMs: 60_000, failFast: () => child.assertAlive() });
    expect(await child.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
