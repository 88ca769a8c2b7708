import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { consumedQueues } from '@edoc/runtime';
import { ChildExitedError } from '../support/child-watch';
import { SERVICE_NAMES, TestExchange, type ServiceName } from '../support/test-exchange';
import { makePdf } from '../support/pdf-fixtures';
import { submitUntilAccepted } from '../chaos/load';
import { progress, type Progress } from '../chaos/ground-truth';

const OFFICE = '000.01.13.H26'; // built-in inbox
const BACH_DANG = '000.31.13.H26'; // built-in inbox
const CLERKS = 4;
/** Documents not yet issued above which the clerks wait: enough to keep every service busy, few enough to settle fast. */
const BACKLOG = 20;

/**
 * A stop normally takes 0.1-0.7 s here (HTTP and handlers drain side by side, then the relay and
 * the connections close), measured on a loaded 2-core machine. 5 s is the transport's own cap on
 * running handlers and well under the 9 s deadline: a stop that reaches it, or the deadline's
 * exit(1), fails; so does one whose HTTP clients had to be cut after the grace period (3 s),
 * which the log says.
 */
const STOP_BOUND_MS = 5_000;

describe('SIGTERM to each service while documents are in flight', () => {
  let exchange: TestExchange;
  let db: Client;
  const submitted: string[] = [];
  let submitting = true;
  let aborted = false;
  let load: Promise<void> | undefined;
  const notIssuedYet = async () => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM intake.documents WHERE state <> 'issued'`)).rows[0].n);

  beforeAll(async () => {
    exchange = await TestExchange.start();
    db = new Client({ connectionString: exchange.databaseUrl });
    await db.connect();
    const pdf = await makePdf('Van ban gui trong luc dung dich vu');
    let index = 0;
    // Clerks upload one document after another (keep-alive connections always busy), each to two
    // built-in inboxes, until the last test stops them; a refused upload would fail that test.
    // Unchecked, they would outrun the exchange and leave minutes of backlog to settle.
    const failFast = () => {
      if (aborted) throw new Error('the test is over');
      exchange.assertAlive();
    };
    load = Promise.all(
      Array.from({ length: CLERKS }, async () => {
        while (submitting) {
          if ((await notIssuedYet()) > BACKLOG) {
            await new Promise((resolve) => setTimeout(resolve, 200));
            continue;
          }
          const document = { index: index++, clerk: 'hbt.clerk', signer: 'hbt.signer', senderCode: '', recipients: [OFFICE, BACH_DANG], idempotencyKey: randomUUID(), pdf };
          submitted.push((await submitUntilAccepted(exchange, document, failFast)).documentId);
        }
      }),
    ).then(() => undefined);
    load.catch(() => undefined);
  });

  afterAll(async () => {
    submitting = false;
    aborted = true;
    await load?.catch(() => undefined);
    await db?.end();
    await exchange?.stop();
  });

  it.each(SERVICE_NAMES as readonly ServiceName[])('%s exits 0 soon, having drained, and comes back', async (name) => {
    const before = submitted.length;
    await exchange.waitFor('uploads and messages in flight', async () => submitted.length >= before + CLERKS && (await notIssuedYet()) >= 2, { timeoutMs: 30_000, intervalMs: 100 });

    const child = exchange.processes.get(name)!;
    const lines: string[] = [];
    child.onLine((line) => lines.push(line));
    const began = Date.now();
    const exit = await child.stop('SIGTERM');
    const stopMs = Date.now() - began;
    try {
      expect({ name, ...exit }).toEqual({ name, code: 0, signal: null });
      expect(stopMs).toBeLessThan(STOP_BOUND_MS);
      // The output may trail the exit: wait for the last lines of the drain before reading it.
      // Identity consumes no queue: it has only HTTP to drain.
      const consumes = consumedQueues(name).length > 0;
      await exchange.waitFor(`${name}'s shutdown log`, () => lines.some((l) => l.includes('HTTP drained')) && (!consumes || lines.some((l) => l.includes('messages drained'))), { timeoutMs: 5_000 });
      expect(lines.filter((l) => /still busy|not stopped after|did not drain|not done/.test(l))).toEqual([]);
    } finally {
      // Also after a failure: the next tests need the whole exchange.
      exchange.startService(name);
      await exchange.waitReady(name);
    }
  });

  it('delivers every document submitted meanwhile, once, to each recipient, archived and counted', async () => {
    submitting = false;
    await load;
    const documents = submitted.length;
    const expected = { issued: documents, failed: 0, deliveries: 2 * documents, confirmed: 2 * documents, arrivals: 2 * documents, archived: documents, facts: 3 * documents };
    let last: Progress | undefined;
    const settled = () => last !== undefined && Object.entries(expected).every(([key, value]) => last![key as keyof Progress] === value);
    // On a timeout the comparison below shows what is missing.
    await exchange
      .waitFor(
        'the exchange to settle',
        async () => {
          last = await progress(exchange.databaseUrl);
          return settled();
        },
        { timeoutMs: 60_000, intervalMs: 1000 },
      )
      .catch((error: Error) => {
        if (error instanceof ChildExitedError) throw error;
      });
    expect(last).toEqual(expected);
    expect(Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM intake.documents')).rows[0].n)).toBe(documents);
  });
});
