import { randomUUID } from 'node:crypto';
import * as amqp from 'amqplib';
import { fromJson } from '@bufbuild/protobuf';
import { FileRefSchema, MessageTypes, type MessageTypeName } from '@edoc/contracts';
import { DeadLetterAdmin, EdocExchanges } from '@edoc/messaging';
import { loadConfig } from '@edoc/config';
import { consumedQueues, EDOC_SERVICES, typesPublishedBy } from '@edoc/runtime';
import { waitFor } from '@edoc/testing';
import { brokerAnswer, tryPublish, type PublishOutcome } from '../support/broker-attempt';
import { everyProtoMessage, forgedBody, type ForgeryMaterial } from '../support/forged-messages';
import { http, submissionForm } from '../support/http';
import { mapInParallel } from '../support/in-parallel';
import { makePdf } from '../support/pdf-fixtures';
import { TestExchange } from '../support/test-exchange';
import { query } from '../chaos/ground-truth';

const DISTRICT = '000.00.13.H26';
const BACH_DANG = '000.31.13.H26'; // on the built-in inbox: the victim of the forgeries
const BACH_KHOA = '000.32.13.H26'; // a ward system: the forger
const BACH_MAI = '000.33.13.H26'; // another ward system

/**
 * Every service tries every type it does not own under each of its routes: several hundred broker
 * round trips, a few at a time, each a channel opened and closed. A guard against a hang, not a
 * performance bound: a loaded CI machine took more than the default 60 s.
 */
const ATTEMPTS_BOUND_MS = 300_000;
/** Attempts in flight at once on one connection, each on a channel of its own. */
const ATTEMPTS_AT_ONCE = 8;

/** Every table that holds a fact of the exchange. Outbox and inbox rows, and the chain's head and checkpoints, record the rejections themselves. */
const STATE_TABLES = [
  'intake.documents',
  'intake.register_counters',
  'intake.register_entries',
  'intake.deliveries',
  'intake.status_history',
  'routing.documents',
  'routing.deliveries',
  'routing.status_history',
  'signing.jobs',
  'archival.records',
  'archival.audit_document_heads',
  'metrics.register_facts',
  'metrics.documents_issued',
  'metrics.delivery_facts',
];
const CONTRACT_BREACH = /^(type \S+ is not accepted on queue \S+|\S+ on queue \S+ published by (\S+|\(no user id\)), expected .+)$/;

interface Attempt {
  who: string;
  type: string;
  exchange: string;
  routingKey: string;
  messageId: string;
  outcome: PublishOutcome;
}

describe('only the owner of a message can move a document: a hostile ward, and a service publishing what it does not own', () => {
  let exchange: TestExchange;
  let material: ForgeryMaterial;
  let before: Record<string, string>;
  const attempts: Attempt[] = [];

  beforeAll(async () => {
    exchange = await TestExchange.start({ env: { EDOC_RECEIPT_SCAN_SECONDS: '3600' } });
    // One real document from the district to a ward system and to a unit on the built-in inbox.
    const submitted = await http<{ documentId: string }>(exchange.url('intake', '/documents'), {
      token: exchange.token('hbt.clerk'),
      form: submissionForm({ type: 'CV', subject: 'Về việc thật', recipients: [BACH_KHOA, BACH_DANG], signer: 'hbt.signer' }, await makePdf('Van ban that')),
    });
    const documentId = submitted.body.documentId;
    const victim = await waitFor('the built-in recipient to confirm arrival', async () => {
      const rows = await query<{ delivery_id: string; status: number | null }>(exchange.databaseUrl, `SELECT delivery_id, status FROM routing.deliveries WHERE document_id = $1 AND recipient_code = $2`, [documentId, BACH_DANG]);
      return rows[0]?.status === 1 ? rows[0] : undefined;
    }, { timeoutMs: 60_000 });
    const [document] = await query<{ file: unknown }>(exchange.databaseUrl, `SELECT file FROM routing.documents WHERE document_id = $1`, [documentId]);
    material = {
      districtCode: DISTRICT,
      victimCode: BACH_DANG,
      victimDeliveryId: victim.delivery_id,
      documentId,
      issuedFile: fromJson(FileRefSchema, document!.file as never, { ignoreUnknownFields: true }),
      wardCodes: [BACH_KHOA, BACH_MAI],
    };
    before = await settledState(exchange);
  }, 180_000);

  afterAll(async () => {
    await exchange?.stop();
  });

  it('a ward system publishing any message type, wherever its permissions let it, changes nothing', async () => {
    const ward = exchange.wardCredential(BACH_KHOA);
    const connection = await amqp.connect(exchange.wardAmqpUrl(BACH_KHOA));
    try {
      const tries: Try[] = [];
      for (const schema of everyProtoMessage()) {
        const body = forgedBody(schema, material);
        // The one route its permissions allow, with its own (validated) user id and without one.
        for (const userId of [ward.username, undefined]) tries.push({ type: schema.typeName, exchangeName: EdocExchanges.status, key: BACH_KHOA, body, userId });
        // Every other route: the broker refuses it.
        const elsewhere: [string, string, string | undefined][] = [
          [EdocExchanges.events, keyOf(schema.typeName) ?? 'document.issued', ward.username],
          [EdocExchanges.inbox, BACH_DANG, ward.username],
          [EdocExchanges.deadLetter, 'routing.status', ward.username],
          ['', 'routing.status', ward.username],
          [EdocExchanges.status, BACH_MAI, ward.username],
          // Even on its own route, another's user id is refused: RabbitMQ validates user_id.
          [EdocExchanges.status, BACH_KHOA, exchange.brokerUserOf('signing')],
        ];
        for (const [exchangeName, key, userId] of elsewhere) tries.push({ type: schema.typeName, exchangeName, key, body, userId, refused: /ACCESS_REFUSED|PRECONDITION_FAILED/ });
      }
      const made = await attemptAll(connection, `ward ${BACH_KHOA}`, tries);
      attempts.push(...made);
      expectRefusals(tries, made);
    } finally {
      await connection.close();
    }
    expect(attempts.filter((a) => a.who.startsWith('ward') && a.outcome.kind === 'routed')).toHaveLength(everyProtoMessage().length * 2);
    expect(attempts.filter((a) => a.who.startsWith('ward') && a.outcome.kind === 'refused')).toHaveLength(everyProtoMessage().length * 6);
  });

  it('a service publishing a type it does not own, under any routing key it may use, changes nothing', async () => {
    for (const service of EDOC_SERVICES) {
      const connection = await amqp.connect(exchange.ownAmqpUrl(service));
      try {
        const owned = typesPublishedBy(service);
        const routes: [string, string][] = owned.flatMap((type) => {
          if (type === 'delivery') return [[EdocExchanges.inbox, BACH_DANG] as [string, string]];
          const key = MessageTypes[type].routingKey;
          return key === '' ? [] : [[EdocExchanges.events, key] as [string, string], [EdocExchanges.events, `${key}.urgent`] as [string, string]];
        });
        const tries: Try[] = [];
        for (const type of Object.keys(MessageTypes) as MessageTypeName[]) {
          if (owned.includes(type)) continue;
          const { typeName } = MessageTypes[type].schema;
          const body = forgedBody(MessageTypes[type].schema, material);
          for (const [exchangeName, key] of routes) tries.push({ type: typeName, exchangeName, key, body, userId: exchange.brokerUserOf(service) });
          // Under the type's own key the broker refuses it already (topic permissions).
          const ownKey = keyOf(typeName);
          if (ownKey !== undefined && !routes.some(([, key]) => key === ownKey)) {
            tries.push({ type: typeName, exchangeName: EdocExchanges.events, key: ownKey, body, userId: exchange.brokerUserOf(service), refused: /ACCESS_REFUSED/ });
          }
        }
        const made = await attemptAll(connection, service, tries);
        attempts.push(...made);
        expectRefusals(tries, made);
      } finally {
        await connection.close();
      }
    }
    expect(attempts.filter((a) => !a.who.startsWith('ward') && a.outcome.kind === 'routed').length).toBeGreaterThan(100);
  }, ATTEMPTS_BOUND_MS);

  it('a service may read only its own queues and their dead letters, and configure nothing', async () => {
    for (const service of EDOC_SERVICES) {
      const connection = await amqp.connect(exchange.ownAmqpUrl(service));
      try {
        const others = EDOC_SERVICES.filter((other) => other !== service).flatMap((other) => consumedQueues(other));
        // Identity consumes no queue: it may not even read the dead letters of one.
        const own = consumedQueues(service)[0] ?? consumedQueues('routing')[0]!;
        const forbidden = [...others, ...others.map((other) => `dlq.${other}`), `inbox.${BACH_KHOA}`, `dlq.inbox.${BACH_KHOA}`];
        const answers = await mapInParallel(forbidden, ATTEMPTS_AT_ONCE, async (queue) => [service, queue, await brokerAnswer(connection, (ch) => ch.get(queue))]);
        expect(answers).toEqual(forbidden.map((queue) => [service, queue, expect.stringMatching(/ACCESS_REFUSED/)]));
        // Its own dead letters it reads back when an administrator replays one (it processes it itself).
        for (const queue of consumedQueues(service).map((consumed) => `dlq.${consumed}`)) {
          expect([service, queue, await brokerAnswer(connection, (ch) => ch.get(queue))]).toEqual([service, queue, 'allowed']);
        }
        if (consumedQueues(service).length === 0) expect(await brokerAnswer(connection, (ch) => ch.get(`dlq.${own}`))).toMatch(/ACCESS_REFUSED/);
        expect(await brokerAnswer(connection, (ch) => ch.assertQueue(`${service}.private`))).toMatch(/ACCESS_REFUSED/);
        expect(await brokerAnswer(connection, (ch) => ch.bindQueue(own, EdocExchanges.events, '#'))).toMatch(/ACCESS_REFUSED/);
      } finally {
        await connection.close();
      }
    }
  });

  it('every attempt that reached a queue sits in a dead-letter queue with its reason, is in the audit trail and counted; nothing else changed', async () => {
    const routed = attempts.filter((a) => a.outcome.kind === 'routed');
    const ids = new Set(routed.map((a) => a.messageId));
    let deadLetters = 0;
    const dlq = new DeadLetterAdmin({ amqpUrl: exchange.ownAmqpUrl('operator'), managementUrl: loadConfig().rabbitManagementUrl });
    try {
      // Settled: queues empty, and as many dead letters and audit entries as 2 s before.
      let previous = '';
      const letters = await waitFor('the forged messages to be handled', async () => {
        const found = (await dlq.list({ limit: 100_000 })).filter((letter) => letter.messageId !== undefined && ids.has(letter.messageId));
        const recorded = await query<{ n: number }>(exchange.databaseUrl, `SELECT count(*)::int AS n FROM archival.audit_entries WHERE event_type = 'message.rejected'`);
        const now = `${found.length} ${recorded[0]!.n}`;
        const settled = now === previous && (await queuesBusy(exchange)).length === 0;
        previous = now;
        return settled ? found : undefined;
      }, { timeoutMs: 180_000, intervalMs: 2000 });

      deadLetters = letters.length;
      const refusedByBroker = attempts.filter((a) => a.outcome.kind === 'refused').length;
      const byQueue = new Map<string, number>();
      for (const letter of letters) byQueue.set(letter.deadLetterQueue, (byQueue.get(letter.deadLetterQueue) ?? 0) + 1);
      console.log(
        `hostile publishers: ${attempts.length} attempts (${attempts.filter((a) => a.who.startsWith('ward')).length} by the ward); ${refusedByBroker} refused by the broker, ` +
          `${routed.length} routed and all refused by their consumers: ${letters.length} dead letters (${[...byQueue].map(([q, n]) => `${q} ${n}`).join(', ')})`,
      );
      expect(routed.filter((a) => !letters.some((l) => l.messageId === a.messageId))).toEqual([]);
      expect(letters.filter((letter) => !CONTRACT_BREACH.test(letter.reason))).toEqual([]);
      // The ward's every attempt was refused by routing, the only consumer of its route.
      const fromWard = new Set(routed.filter((a) => a.who.startsWith('ward')).map((a) => a.messageId));
      const wardLetters = letters.filter((l) => fromWard.has(l.messageId!));
      expect(wardLetters).toHaveLength(fromWard.size);
      expect(new Set(wardLetters.map((l) => l.deadLetterQueue))).toEqual(new Set(['dlq.routing.status']));
      // Each forged DocumentIssued on the ward's route is refused as a type routing.status does not take.
      expect(wardLetters.filter((l) => l.type === 'edoc.v1.DocumentIssued').map((l) => l.reason)).toEqual(['type edoc.v1.DocumentIssued is not accepted on queue routing.status', 'type edoc.v1.DocumentIssued is not accepted on queue routing.status']);
      expect(wardLetters.filter((l) => l.type === 'edoc.v1.StatusReport').map((l) => l.reason).sort()).toEqual([
        `edoc.v1.StatusReport on queue routing.status published by (no user id), expected ward-${BACH_DANG}@${exchange.vhostName}`,
        `edoc.v1.StatusReport on queue routing.status published by ward-${BACH_KHOA}@${exchange.vhostName}, expected ward-${BACH_DANG}@${exchange.vhostName}`,
      ]);
    } finally {
      await dlq.close();
    }

    // The audit trail has the rejections and nothing else new; the chain still verifies.
    const rejections = await query<{ message_id: string }>(exchange.databaseUrl, `SELECT body::jsonb #>> '{payload,messageId}' AS message_id FROM archival.audit_entries WHERE event_type = 'message.rejected'`);
    expect(new Set(rejections.map((r) => r.message_id))).toEqual(ids);
    expect(rejections).toHaveLength(deadLetters);
    expect(await settledState(exchange)).toEqual(before);
    const audit = await exchange.cli(['audit', 'verify', '--url', exchange.url('archival'), '--as', 'admin']);
    expect(audit.stdout).toMatch(/intact/i);

    // Operators see them: Prometheus counts them by queue and reason, `edoc dlq list` shows them.
    const scrape = await fetch(exchange.url('routing', '/metrics'), { headers: { authorization: `Bearer ${exchange.token('admin')}` } }).then((r) => r.text());
    const counted = Number(/edoc_messages_rejected_total\{queue="routing.status",reason="type_not_accepted",service="routing"\} (\d+)/.exec(scrape)?.[1]);
    expect(counted).toBeGreaterThanOrEqual(everyProtoMessage().length * 2 - 4);
    const listed = await exchange.cli(['dlq', 'list', '--queue', 'routing.status', '--limit', '1000'], { EDOC_RABBITMQ_MANAGEMENT_URL: loadConfig().rabbitManagementUrl });
    expect(listed.stdout).toContain('type edoc.v1.DocumentIssued is not accepted on queue routing.status');
    expect(listed.stdout).toContain(`ward-${BACH_KHOA}@${exchange.vhostName}`);
  }, 300_000);

  it('the exchange still works for the rightful publishers', async () => {
    const submitted = await http<{ documentId: string }>(exchange.url('intake', '/documents'), {
      token: exchange.token('hbt.clerk'),
      form: submissionForm({ type: 'CV', subject: 'Về việc sau cuộc tấn công', recipients: [BACH_DANG], signer: 'hbt.signer' }, await makePdf('Van ban sau')),
    });
    await waitFor('the arrival', async () => {
      const rows = await query<{ status: number | null }>(exchange.databaseUrl, `SELECT status FROM routing.deliveries WHERE document_id = $1`, [submitted.body.documentId]);
      return rows[0]?.status === 1;
    }, { timeoutMs: 60_000 });
  });
});

/** One publication to try; `refused`: the broker must refuse it, with a reason that matches. */
interface Try {
  type: string;
  exchangeName: string;
  key: string;
  body: Buffer;
  userId: string | undefined;
  refused?: RegExp;
}

/** Each try on a channel of its own, several at a time on the one connection: hundreds of confirmed round trips. */
function attemptAll(connection: amqp.ChannelModel, who: string, tries: Try[]): Promise<Attempt[]> {
  return mapInParallel(tries, ATTEMPTS_AT_ONCE, async ({ type, exchangeName, key, body, userId }) => {
    const messageId = randomUUID();
    const outcome = await tryPublish(connection, exchangeName, key, body, { messageId, type, contentType: 'application/x-protobuf', ...(userId === undefined ? {} : { userId }) });
    return { who, type, exchange: exchangeName, routingKey: key, messageId, outcome };
  });
}

function expectRefusals(tries: Try[], made: Attempt[]): void {
  const refusable = tries.flatMap((t, index) => (t.refused === undefined ? [] : [{ t, outcome: made[index]!.outcome }]));
  expect(refusable.map(({ t, outcome }) => [t.type, t.exchangeName, t.key, outcome])).toEqual(refusable.map(({ t }) => [t.type, t.exchangeName, t.key, { kind: 'refused', reason: expect.stringMatching(t.refused!) }]));
}

function keyOf(typeName: string): string | undefined {
  const entry = Object.values(MessageTypes).find((e) => e.schema.typeName === typeName);
  return entry === undefined || entry.routingKey === '' ? undefined : entry.routingKey;
}

/** A fingerprint of every fact of the exchange, once nothing moves any more (the same twice, 2 s apart, with every queue empty). */
async function settledState(exchange: TestExchange): Promise<Record<string, string>> {
  let previous = '';
  return waitFor('the exchange to be quiet', async () => {
    if ((await queuesBusy(exchange)).length > 0) return undefined;
    const state = await fingerprint(exchange);
    const same = JSON.stringify(state) === previous;
    previous = JSON.stringify(state);
    return same ? state : undefined;
  }, { timeoutMs: 90_000, intervalMs: 2000 });
}

async function fingerprint(exchange: TestExchange): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  for (const table of STATE_TABLES) {
    const [row] = await query<{ n: number; digest: string }>(exchange.databaseUrl, `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM ${table} t`);
    state[table] = `${row!.n} rows, ${row!.digest}`;
  }
  const [audit] = await query<{ n: number; digest: string }>(
    exchange.databaseUrl,
    `SELECT count(*)::int AS n, md5(coalesce(string_agg(body, '|' ORDER BY seq), '')) AS digest FROM archival.audit_entries WHERE event_type <> 'message.rejected'`,
  );
  state['archival.audit_entries (other than rejections)'] = `${audit!.n} rows, ${audit!.digest}`;
  return state;
}

/** Queues of the services still holding messages (ward systems' inboxes are theirs to empty). */
async function queuesBusy(exchange: TestExchange): Promise<string[]> {
  const connection = await amqp.connect(exchange.amqpUrl);
  try {
    const channel = await connection.createChannel();
    const busy: string[] = [];
    for (const queue of await exchange.management.listQueues(exchange.vhostName)) {
      if (queue.name.startsWith('dlq.') || queue.name.startsWith('inbox.')) continue;
      const { messageCount } = await channel.checkQueue(queue.name);
      if (messageCount > 0 || (queue.messages_unacknowledged ?? 0) > 0) busy.push(queue.name);
    }
    return busy;
  } finally {
    await connection.close();
  }
}
