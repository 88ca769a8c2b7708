import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { TestExchange } from '../support/test-exchange';
import { http, submissionForm } from '../support/http';
import { makePdf } from '../support/pdf-fixtures';

const run = promisify(execFile);
const cluster = () => [readdirSync('/etc/postgresql')[0], 'main'];

describe('dependencies down: services wait, say they are not ready, and recover by themselves', () => {
  let exchange: TestExchange;

  beforeAll(async () => {
    exchange = await TestExchange.start();
  }, 180_000);

  afterAll(async () => {
    await run('rabbitmqctl', ['start_app']).catch(() => undefined);
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', ...cluster(), 'start']).catch(() => undefined);
    await exchange?.stop();
  });

  it('accepts a submission while RabbitMQ is down and delivers it once the broker is back', async () => {
    await run('rabbitmqctl', ['stop_app']);
    try {
      const ready = await exchange.waitFor('intake to notice the broker is gone', async () => {
        const answer = await http<{ details?: Record<string, { status: string }> }>(exchange.url('intake', '/health/ready'));
        return answer.status === 503 ? answer.body : undefined;
      });
      expect(ready.details?.broker.status).toBe('down');
      const submitted = await http<{ documentId: string }>(exchange.url('intake', '/documents'), {
        token: exchange.token('hbt.clerk'),
        form: submissionForm({ type: 'CV', subject: 'Gửi khi máy chủ tin nhắn ngừng', recipients: ['000.31.13.H26'], signer: 'hbt.signer' }, await makePdf('Gui khi broker ngung')),
      });
      expect(submitted.status).toBe(202);
      const { rows } = await import('pg').then(async ({ Client }) => {
        const client = new Client({ connectionString: exchange.databaseUrl });
        await client.connect();
        try {
          return await client.query(`SELECT count(*)::int AS n FROM intake.outbox WHERE sent_at IS NULL`);
        } finally {
          await client.end();
        }
      });
      expect(rows[0].n).toBeGreaterThanOrEqual(1);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await run('rabbitmqctl', ['start_app']);
      await run('rabbitmqctl', ['await_startup']);
      const arrived = await exchange.waitFor('the document to arrive after the broker is back', async () => {
        const inbox = await http<{ items: { documentId: string; status: string }[] }>(exchange.url('intake', '/inbox'), { token: exchange.token('bachdang.clerk') });
        return inbox.body.items.find((item) => item.documentId === submitted.body.documentId);
      }, { timeoutMs: 90_000, intervalMs: 500 });
      expect(arrived.status).toBe('01');
      await exchange.waitReady('intake');
    } finally {
      await run('rabbitmqctl', ['start_app']).catch(() => undefined);
    }
  }, 180_000);

  it('starts a service while PostgreSQL is down: alive, not ready, then ready on its own', async () => {
    await exchange.stopService('routing');
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', ...cluster(), 'stop', '--', '-m', 'fast']);
    try {
      exchange.startService('routing');
      await exchange.waitFor('routing to answer its liveness probe', async () => ((await http(exchange.url('routing', '/health/live')).catch(() => undefined))?.status === 200 ? true : undefined), { timeoutMs: 30_000 });
      const notReady = await http<{ details?: Record<string, { status: string }> }>(exchange.url('routing', '/health/ready'));
      expect(notReady.status).toBe(503);
      expect(notReady.body.details?.database.status).toBe('down');
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(exchange.processes.has('routing')).toBe(true);
    } finally {
      await run('pg_ctlcluster', ['--skip-systemctl-redirect', ...cluster(), 'start']);
    }
    await exchange.waitReady('routing', 90_000);
  }, 180_000);
});
