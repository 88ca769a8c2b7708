import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as amqp from 'amqplib';
import { envInt } from '@edoc/config';
import { TestExchange } from '../support/test-exchange';
import { WardProcess } from '../support/ward-process';
import { makePdf } from '../support/pdf-fixtures';
import { ChaosMonkey, seededRandom, sleep } from './chaos-monkey';
import { inParallel, PlannedDocument, submitUntilAccepted } from './load';
import { numberingProblems, progress, query } from './ground-truth';

const DOCUMENTS = envInt('EDOC_CHAOS_DOCUMENTS', 200);
const SEED = envInt('EDOC_CHAOS_SEED', 20261126);
const RECIPIENTS_PER_DOCUMENT = 5;
const WARD_RECIPIENTS_PER_DOCUMENT = 2;
const SENDERS = ['hbt.clerk', 'vp.clerk', 'nv.clerk', 'tckh.clerk'];

describe(`the exchange under fire: ${DOCUMENTS} documents × ${RECIPIENTS_PER_DOCUMENT} recipients while services, RabbitMQ and PostgreSQL die`, () => {
  let exchange: TestExchange;
  const wards = new Map<string, { process: WardProcess; out: string }>();
  let monkey: ChaosMonkey | undefined;
  const faults: Promise<unknown>[] = [];

  /** A service or ward process that died unasked makes the outcome impossible: fail now, with its output. */
  function assertAllAlive(): void {
    exchange.assertAlive();
    for (const ward of wards.values()) ward.process.assertAlive();
  }

  beforeAll(async () => {
    exchange = await TestExchange.start({ env: { EDOC_RECEIPT_SCAN_SECONDS: '3600' } });
  }, 180_000);

  afterAll(async () => {
    // A test that failed early may leave RabbitMQ or PostgreSQL mid-restart: let that finish first.
    await monkey?.halt();
    await Promise.allSettled(faults);
    await Promise.all([...wards.values()].map((ward) => ward.process.stop()));
    await exchange?.stop();
  });

  it('delivers every document exactly once, with nothing lost, doubled or left behind', async () => {
    const started = Date.now();
    const random = seededRandom(SEED);
    const tokens = Object.fromEntries(exchange.demoUsers().map((user) => [user.username, { orgCode: user.orgCode, roles: user.roles as string[] }]));
    const wardCodes = Object.keys(exchange.wardCredentials()).sort();
    const builtinCodes = [...new Set(Object.values(tokens).map((t) => t.orgCode))].filter((code) => !wardCodes.includes(code)).sort();

    // Ward systems, each its own process with its own broker user, as a ward would run it. Nothing
    // is submitted before each consumes: a ward that cannot start fails the test here, with its output.
    const starts = await Promise.allSettled(
      wardCodes.map(async (code) => {
        const out = mkdtempSync(join(tmpdir(), `edoc-chaos-ward-${code}-`));
        const systemUser = Object.entries(tokens).find(([, t]) => t.orgCode === code && t.roles.includes('ward-system'))![0];
        const ward = await WardProcess.start({
          code,
          amqpUrl: exchange.wardAmqpUrl(code),
          intakeUrl: exchange.url('intake'),
          user: systemUser,
          outDir: out,
          env: exchange.env,
          logFile: join(exchange.dataFolder, `ward-${code}.log`),
          startTimeoutMs: 120_000,
        });
        wards.set(code, { process: ward, out });
      }),
    );
    for (const start of starts) if (start.status === 'rejected') throw start.reason;

    const plan: PlannedDocument[] = [];
    for (let index = 0; index < DOCUMENTS; index++) {
      const clerk = SENDERS[index % SENDERS.length];
      const senderCode = tokens[clerk].orgCode;
      const builtin = builtinCodes.filter((code) => code !== senderCode);
      const recipients = [
        ...Array.from({ length: WARD_RECIPIENTS_PER_DOCUMENT }, (_, k) => wardCodes[(index + k) % wardCodes.length]),
        ...Array.from({ length: RECIPIENTS_PER_DOCUMENT - WARD_RECIPIENTS_PER_DOCUMENT }, (_, k) => builtin[(index * 3 + k) % builtin.length]),
      ];
      plan.push({ index, clerk, signer: clerk.replace('.clerk', '.signer'), senderCode, recipients, idempotencyKey: `chaos-${SEED}-${index}-${randomUUID()}`, pdf: await makePdf(`Van ban thu tai so ${index}`) });
    }

    const chaos = new ChaosMonkey(exchange, random);
    monkey = chaos;
    const milestones = { killing: Math.ceil(DOCUMENTS * 0.05), graceful: Math.ceil(DOCUMENTS * 0.2), broker: Math.ceil(DOCUMENTS * 0.35), graceful2: Math.ceil(DOCUMENTS * 0.5), database: Math.ceil(DOCUMENTS * 0.65), graceful3: Math.ceil(DOCUMENTS * 0.8) };
    let submissionAttempts = 0;
    await inParallel(
      plan,
      6,
      async (doc) => {
        submissionAttempts += (await submitUntilAccepted(exchange, doc, assertAllAlive)).attempts;
      },
      (done) => {
        if (done === milestones.killing) chaos.startKilling();
        if (done === milestones.graceful) faults.push(chaos.gracefulStop('routing'));
        if (done === milestones.broker) faults.push(chaos.restartBroker());
        if (done === milestones.graceful2) faults.push(chaos.gracefulStop('signing'));
        if (done === milestones.database) faults.push(chaos.restartDatabase());
        if (done === milestones.graceful3) faults.push(chaos.gracefulStop('intake'));
      },
    );
    await Promise.all(faults);
    // The documents are still being signed and routed: keep killing until every service died once.
    await chaos.untilEachKilled();
    await chaos.stop();
    const submittedAt = Date.now();

    const target = { issued: DOCUMENTS, deliveries: DOCUMENTS * RECIPIENTS_PER_DOCUMENT, arrivals: DOCUMENTS * (RECIPIENTS_PER_DOCUMENT - WARD_RECIPIENTS_PER_DOCUMENT) };
    const final = await exchange.waitFor(
      'the exchange to settle',
      async () => {
        const p = await progress(exchange.databaseUrl).catch(() => undefined);
        return p !== undefined && p.issued === target.issued && p.deliveries === target.deliveries && p.confirmed === target.deliveries && p.arrivals === target.arrivals && p.archived === DOCUMENTS && p.facts === DOCUMENTS + target.arrivals ? p : undefined;
      },
      { timeoutMs: envInt('EDOC_CHAOS_SETTLE_SECONDS', 600) * 1000, intervalMs: 2000, failFast: assertAllAlive },
    );
    const settledAt = Date.now();

    // Every document issued exactly once, each issuer's numbers exactly 1..n.
    expect(final.failed).toBe(0);
    expect(await numberingProblems(exchange.databaseUrl, 'outgoing')).toEqual([]);
    expect((await query(exchange.databaseUrl, `SELECT count(*)::int AS n FROM intake.documents`))[0].n).toBe(DOCUMENTS);

    // Every recipient holds exactly one delivery and (built-in inbox) one incoming entry per document.
    expect(await query(exchange.databaseUrl, `SELECT document_id FROM routing.deliveries GROUP BY document_id HAVING count(*) <> $1 OR count(DISTINCT recipient_code) <> $1`, [RECIPIENTS_PER_DOCUMENT])).toEqual([]);
    expect(await query(exchange.databaseUrl, `SELECT org_code, document_id FROM intake.register_entries WHERE book = 'incoming' GROUP BY 1, 2 HAVING count(*) > 1`)).toEqual([]);
    expect(await numberingProblems(exchange.databaseUrl, 'incoming')).toEqual([]);
    expect(await query(exchange.databaseUrl, `SELECT delivery_id FROM routing.status_history WHERE status = 1 GROUP BY delivery_id HAVING count(*) <> 1`)).toEqual([]);

    // Every delivered file has the issued SHA-256: in the built-in inboxes and in the wards' own stores.
    expect((await query(exchange.databaseUrl, `SELECT count(*)::int AS n FROM intake.deliveries d JOIN intake.documents doc USING (document_id) WHERE d.arrived_at IS NOT NULL AND d.file->>'sha256' = doc.issued_file->>'sha256'`))[0].n).toBe(target.arrivals);
    const wardDeliveries = await query<{ delivery_id: string; recipient_code: string; sha256: string }>(
      exchange.databaseUrl,
      `SELECT d.delivery_id, d.recipient_code, doc.issued_file->>'sha256' AS sha256 FROM intake.deliveries d JOIN intake.documents doc USING (document_id) WHERE d.channel = 'queue'`,
    );
    expect(wardDeliveries).toHaveLength(DOCUMENTS * WARD_RECIPIENTS_PER_DOCUMENT);
    for (const delivery of wardDeliveries) {
      const file = join(wards.get(delivery.recipient_code)!.out, `${delivery.delivery_id}.pdf`);
      expect(existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : 'missing').toBe(delivery.sha256);
    }

    // The archive holds each document once; the metrics equal the registers.
    expect((await query(exchange.databaseUrl, `SELECT count(DISTINCT document_id)::int AS n FROM archival.records`))[0].n).toBe(DOCUMENTS);
    const registers = await query<{ org_code: string; book: string; medium: string; n: number }>(exchange.databaseUrl, `SELECT org_code, book, medium, count(*)::int AS n FROM intake.register_entries GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
    const facts = await query<{ org_code: string; book: string; medium: string; n: number }>(exchange.databaseUrl, `SELECT org_code, book, medium, count(*)::int AS n FROM metrics.register_facts GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
    expect(facts).toEqual(registers);

    // Nothing left unacknowledged or dead-lettered. The archive may still be appending the last events
    // to its chain, so the queues get time to drain; management statistics lag a few seconds.
    const connection = await amqp.connect(exchange.amqpUrl);
    const channel = await connection.createChannel();
    const leftovers = async (): Promise<string[]> => {
      const found: string[] = [];
      for (const queue of await exchange.management.listQueues(exchange.vhostName)) {
        const { messageCount } = await channel.checkQueue(queue.name);
        const unacked = (queue as { messages_unacknowledged?: number }).messages_unacknowledged ?? 0;
        if (messageCount !== 0 || unacked !== 0) found.push(`${queue.name}: ${messageCount} ready, ${unacked} unacked`);
      }
      return found;
    };
    let remaining: string[] = [];
    for (let quiet = 0, tries = 0; quiet < 2 && tries < 60; tries++) {
      await sleep(5000);
      remaining = await leftovers();
      quiet = remaining.length === 0 ? quiet + 1 : 0;
    }
    await connection.close();
    expect(remaining).toEqual([]);
    // The audit chain holds each event once, and verifies.
    expect(await query(exchange.databaseUrl, `SELECT message_id FROM archival.audit_entries GROUP BY message_id HAVING count(*) > 1`)).toEqual([]);
    const audit = await exchange.cli(['audit', 'verify', '--url', exchange.url('archival'), '--as', 'admin']);
    expect(audit.stdout).toMatch(/intact/i);

    const seconds = (ms: number) => (ms / 1000).toFixed(1);
    console.log(
      [
        `chaos run (seed ${SEED}): ${DOCUMENTS} documents, ${DOCUMENTS * RECIPIENTS_PER_DOCUMENT} deliveries (${DOCUMENTS * WARD_RECIPIENTS_PER_DOCUMENT} to ${wardCodes.length} ward-system processes)`,
        `faults: SIGKILL ${JSON.stringify(chaos.log.kills)}, RabbitMQ restarts ${chaos.log.brokerRestarts}, PostgreSQL restarts ${chaos.log.databaseRestarts}, graceful stops ${chaos.log.gracefulStops.map((g) => `${g.service} exited ${g.code} in ${g.exitMs} ms`).join(', ')}`,
        `submissions: ${submissionAttempts} HTTP attempts for ${DOCUMENTS} documents; submitted in ${seconds(submittedAt - started)} s, settled ${seconds(settledAt - submittedAt)} s later, ${seconds(Date.now() - started)} s in all`,
        `checked: ${final.issued} issued once with gapless numbers, ${final.deliveries} deliveries each confirmed once, ${final.arrivals} register arrivals, ${wardDeliveries.length} ward files with the issued SHA-256, ${final.archived} archived, ${final.facts} metric facts = registers; queues and dead-letter queues empty`,
        ...chaos.log.events.map((e) => `  ${e}`),
      ].join('\n'),
    );
    // A graceful stop ends by itself with 0, before the 9 s deadline would cut it (exit 1), even while
    // RabbitMQ or PostgreSQL restart beside it.
    for (const stop of chaos.log.gracefulStops) expect([stop.service, stop.code, stop.exitMs < 7_000]).toEqual([stop.service, 0, true]);
    expect(Object.values(chaos.log.kills).every((n) => n >= 1)).toBe(true);
  }, 30 * 60_000);
});
