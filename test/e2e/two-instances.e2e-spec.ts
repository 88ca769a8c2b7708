import { Client } from 'pg';
import { TestExchange } from '../support/test-exchange';
import { http, submissionForm } from '../support/http';
import { makePdf } from '../support/pdf-fixtures';

/** Senders (clerk and signer of one unit each) submitting side by side. */
const SENDERS = [
  { clerk: 'hbt.clerk', signer: 'hbt.signer' },
  { clerk: 'vp.clerk', signer: 'vp.signer' },
  { clerk: 'nv.clerk', signer: 'nv.signer' },
  { clerk: 'tp.clerk', signer: 'tp.signer' },
];
const DOCUMENTS = 12;

/**
 * Two instances of every service consume the same queues, as when an operator scales out: a
 * document's deliveries, their arrivals and their 01s are handled by whichever instance takes the
 * message, in batches whose locks must never deadlock. Nothing may be doubled, lost or reordered.
 */
describe('two instances of every service, competing for the same queues', () => {
  let exchange: TestExchange;
  let db: Client;
  const documentIds: string[] = [];

  beforeAll(async () => {
    exchange = await TestExchange.start({ twoInstances: true });
    db = new Client({ connectionString: exchange.databaseUrl });
    await db.connect();
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await exchange?.stop();
  });

  it('has both instances of each service consuming its queues', async () => {
    const wanted = { 'intake.inbox': 2, 'intake.events': 2, 'routing.events': 2, 'routing.status': 2, 'archival.events': 2, 'metrics.events': 2, 'signing.events': 2 };
    const consumersNow = async () => {
      const queues = await exchange.management.listQueues(exchange.vhostName);
      return Object.fromEntries(Object.keys(wanted).map((name) => [name, queues.find((q) => q.name === name)?.consumers]));
    };
    // The management API counts consumers from statistics the broker emits every few seconds, so a
    // consumer that attached a moment ago shows up a little later.
    await exchange
      .waitFor('both instances counted as consumers of every queue', async () => JSON.stringify(await consumersNow()) === JSON.stringify(wanted), { timeoutMs: 30_000, intervalMs: 500 })
      .catch(() => undefined);
    expect(await consumersNow()).toEqual(wanted);
  });

  it('issues every document once and delivers it to all 20 wards once, with each ward numbering its arrivals without gap or repeat', async () => {
    const pdf = await makePdf('Công văn gửi các phường', 1);
    // Four at a time, one per clerk: intake takes eight uploads at once and answers 503 beyond.
    for (let start = 0; start < DOCUMENTS; start += SENDERS.length) {
      const answers = await Promise.all(
        SENDERS.map((sender, offset) =>
          http<{ documentId: string }>(exchange.url('intake', '/documents'), {
            token: exchange.token(sender.clerk),
            form: submissionForm({ type: 'CV', subject: `Về việc triển khai số ${start + offset + 1}`, recipients: ['all-wards'], signer: sender.signer }, pdf),
          }),
        ),
      );
      for (const answer of answers) {
        expect(answer.status).toBe(202);
        documentIds.push(answer.body.documentId);
      }
    }

    // Delivered: every built-in ward's 01 recorded, every ward system's delivery routed.
    const expected = DOCUMENTS * 20;
    await exchange.waitFor(
      `${expected} deliveries delivered`,
      async () => {
        const { rows } = await db.query<{ delivered: string }>(
          `SELECT count(*) AS delivered FROM routing.deliveries d
            WHERE d.document_id = ANY($1::uuid[]) AND (d.channel = 'queue' OR d.status IS NOT NULL)`,
          [documentIds],
        );
        return Number(rows[0]?.delivered) === expected;
      },
      { timeoutMs: 240_000, intervalMs: 500 },
    );

    // The sender's view (intake) and the metrics learn of each 01 from routing's events, a moment after routing.
    const builtinCount = Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM routing.deliveries WHERE document_id = ANY($1::uuid[]) AND channel = 'builtin'`, [documentIds])).rows[0]?.n);
    await exchange
      .waitFor(
        "the sender's view and the metrics to hold every 01",
        async () => {
          const { rows } = await db.query<{ seen: string; received: string }>(
            `SELECT (SELECT count(*) FROM intake.status_history h JOIN intake.deliveries d USING (delivery_id) WHERE d.document_id = ANY($1::uuid[]) AND h.status = 1) AS seen,
                    (SELECT count(first_receipt_at) FROM metrics.delivery_facts WHERE document_id = ANY($1::uuid[])) AS received`,
            [documentIds],
          );
          return Number(rows[0]?.seen) >= builtinCount && Number(rows[0]?.received) >= builtinCount;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      )
      .catch(() => undefined);

    const issued = await db.query<{ issuer_code: string; number: number }>(`SELECT issuer_code, number FROM intake.documents WHERE document_id = ANY($1::uuid[]) AND state = 'issued'`, [documentIds]);
    expect(issued.rows).toHaveLength(DOCUMENTS);
    // Each issuer's outgoing numbers: 1..n, each once.
    const byIssuer = new Map<string, number[]>();
    for (const row of issued.rows) byIssuer.set(row.issuer_code, [...(byIssuer.get(row.issuer_code) ?? []), row.number]);
    for (const numbers of byIssuer.values()) expect(numbers.sort((a, b) => a - b)).toEqual(numbers.map((_, i) => i + 1));

    const deliveries = await db.query<{ n: string; recipients: string }>(`SELECT count(*) AS n, count(DISTINCT (document_id, recipient_code)) AS recipients FROM routing.deliveries WHERE document_id = ANY($1::uuid[])`, [documentIds]);
    expect(deliveries.rows[0]).toEqual({ n: String(expected), recipients: String(expected) });

    // Each 01 once in routing's history, and once in the sender's view.
    const twice = await db.query(`SELECT delivery_id FROM routing.status_history WHERE status = 1 GROUP BY delivery_id HAVING count(*) > 1`);
    expect(twice.rows).toEqual([]);
    const seen = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM intake.status_history h JOIN intake.deliveries d USING (delivery_id) WHERE d.document_id = ANY($1::uuid[]) AND h.status = 1`,
      [documentIds],
    );
    const builtin = await db.query<{ n: string }>(`SELECT count(*) AS n FROM routing.deliveries WHERE document_id = ANY($1::uuid[]) AND channel = 'builtin'`, [documentIds]);
    expect(seen.rows[0]?.n).toBe(builtin.rows[0]?.n);

    // Each built-in ward entered each document once, numbered 1..n without a gap.
    const entries = await db.query<{ org_code: string; numbers: number[]; documents: string; entries: string }>(
      `SELECT org_code, array_agg(number ORDER BY number) AS numbers, count(DISTINCT document_id) AS documents, count(*) AS entries
         FROM intake.register_entries WHERE book = 'incoming' AND document_id = ANY($1::uuid[]) GROUP BY org_code`,
      [documentIds],
    );
    expect(entries.rows).toHaveLength(16);
    for (const ward of entries.rows) {
      expect({ ward: ward.org_code, documents: Number(ward.documents), entries: Number(ward.entries) }).toEqual({ ward: ward.org_code, documents: DOCUMENTS, entries: DOCUMENTS });
      expect(ward.numbers).toEqual(ward.numbers.map((_, i) => i + 1));
    }

    // The metrics see each delivery once and each arrival as a receipt.
    const facts = await db.query<{ n: string; received: string }>(
      `SELECT count(*) AS n, count(first_receipt_at) AS received FROM metrics.delivery_facts WHERE document_id = ANY($1::uuid[])`,
      [documentIds],
    );
    expect(facts.rows[0]).toEqual({ n: String(expected), received: builtin.rows[0]?.n });
  });

  it('keeps one audit chain without a gap or a fork, both archival instances appending', async () => {
    const result = await exchange.cli(['audit', 'verify', '--as', 'admin', '--url', exchange.url('archival')]);
    expect(result.stdout).toContain('INTACT: no break found');
    const { rows } = await db.query<{ n: string; last: string }>(`SELECT count(*) AS n, max(seq) AS last FROM archival.audit_entries`);
    expect(rows[0]?.n).toBe(rows[0]?.last);
  });
});
