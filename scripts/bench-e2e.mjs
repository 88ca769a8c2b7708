#!/usr/bin/env node
// npm run bench:e2e [-- --documents N --recipients 20|1 --concurrency C --size-kb K]: the whole
// exchange measured from outside, on a stack the benchmark starts. Clerks of the district and its
// departments submit N documents (C in flight) to all 20 wards or to one; the signers approve each
// as soon as it reaches them (through the real API); the run ends when every delivery is delivered
// (01 from a built-in inbox, or routed to a ward system's queue). Baselines in the same run: raw
// RabbitMQ publish-with-confirms and consume of as many messages as deliveries, and raw PostgreSQL
// single-row inserts of as many rows.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { SERVICE_NAMES, startStack } from './bench-memory/stack.mjs';
import { hottestFunctions } from './cpu-profile-summary.mjs';
import { percentile } from './bench-stats.mjs';
import { busiestStatements, startStatementStatistics } from './bench-pg-statements.mjs';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const value = (name, fallback) => {
  const index = args.indexOf(name);
  return index === -1 ? fallback : Number(args[index + 1]);
};
if (args.includes('--help')) {
  console.log(
    'usage: npm run bench:e2e [-- --documents N] [--recipients 20|1] [--concurrency C | --rate R] [--size-kb K]\n' +
      '  defaults: 500 documents to the 20 wards, 8 in flight, 1024 KB PDFs\n' +
      '  profiles of the issue: --recipients 1 (single recipient), --size-kb 200 (small files)\n' +
      '  --cpu-prof DIR: each service writes a V8 CPU profile to DIR/<service>, and the hottest functions are printed\n' +
      '  --keys rsa-2048|rsa-3072|ec-p256: the district PKI\'s key type (default rsa-2048, what `npm start` makes; ec-p256 signs in a fraction of the CPU)\n' +
      '  --approve-after-submit: the signers approve only once every document is submitted and awaits them: the submissions\' cost\n' +
      '    and the pipeline\'s rate are then printed apart (by default they approve as the requests come)\n' +
      '  --sync-fs: time each service\'s synchronous file-system calls (each holds its event loop) and print them per document\n' +
      '  --rate R: submit R documents a second on a fixed schedule (an open load: the latencies at that rate), not C in flight\n' +
      '  --midway "COMMAND": run a shell command once half the documents are submitted (e.g. stop a node of\n' +
      '    deploy/rabbitmq-cluster.sh); the run must still deliver everything, once\n' +
      '  --pg-statements: the statements that took PostgreSQL the most time, per document (needs pg_stat_statements in shared_preload_libraries)\n' +
      '  BENCH_NODE_FLAGS="--flag ...": extra node flags for every service (e.g. --single-threaded-gc), to try a V8 setting',
  );
  process.exit(0);
}
const DOCUMENTS = value('--documents', 500);
const RECIPIENTS = value('--recipients', 20);
const CONCURRENCY = value('--concurrency', 8);
const SIZE_KB = value('--size-kb', 1024);
const RATE = args.includes('--rate') ? value('--rate', NaN) : undefined;
if (RATE !== undefined && !(RATE > 0)) throw new Error('--rate is a number of documents a second above 0');
const LOAD = RATE === undefined ? `${CONCURRENCY} in flight` : `${RATE} a second`;
const CPU_PROFILE_DIR = args.includes('--cpu-prof') ? resolve(args[args.indexOf('--cpu-prof') + 1]) : undefined;
const SYNC_FS_DIR = args.includes('--sync-fs') ? require('node:fs').mkdtempSync(join(require('node:os').tmpdir(), 'edoc-bench-sync-fs-')) : undefined;
const KEYS = args.includes('--keys') ? args[args.indexOf('--keys') + 1] : 'rsa-2048';
if (!['rsa-2048', 'rsa-3072', 'ec-p256'].includes(KEYS)) throw new Error('--keys is rsa-2048, rsa-3072 or ec-p256');
const APPROVE_AFTER_SUBMIT = args.includes('--approve-after-submit');
const PG_STATEMENTS = args.includes('--pg-statements');
const MIDWAY = args.includes('--midway') ? args[args.indexOf('--midway') + 1] : undefined;
if (![1, 20].includes(RECIPIENTS)) throw new Error('--recipients is 20 (all wards) or 1');

const { Client, Pool } = require('pg');
const amqp = require('amqplib');
const { writeLargePdf } = require('@edoc/testing');

const district = JSON.parse(readFileSync(join(root, 'deploy', 'seed', 'demo-district.json'), 'utf8'));
const users = JSON.parse(readFileSync(join(root, 'deploy', 'seed', 'demo-users.json'), 'utf8')).users;
const senders = district.organisations
  .filter((o) => o.kind !== 'ward')
  .map((o) => ({ code: o.code, clerk: users.find((u) => u.orgCode === o.code && u.roles.includes('clerk'))?.username, signer: users.find((u) => u.orgCode === o.code && u.roles.includes('signer'))?.username }))
  .filter((s) => s.clerk !== undefined && s.signer !== undefined);
const firstBuiltinWard = district.organisations.find((o) => o.kind === 'ward' && o.channel === 'builtin').code;
const recipients = RECIPIENTS === 20 ? ['all-wards'] : [firstBuiltinWard];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const TICKS = 100;

/** The fields of /proc/<pid>/stat after the command's name (fields[11] utime, [12] stime, [13] cutime, [14] cstime, [1] ppid). */
const procStat = (pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');

/** CPU seconds (user + system) of processes, from /proc. */
function cpuSeconds(pids) {
  let total = 0;
  for (const pid of pids) {
    try {
      const fields = procStat(pid);
      total += (Number(fields[11]) + Number(fields[12])) / TICKS;
    } catch {
      // the process ended
    }
  }
  return total;
}
/**
 * CPU seconds of a service with the processes it starts (the page reader it keeps running, and any
 * it started and reaped): what they cost the machine is the service's cost.
 */
function serviceCpuSeconds(pid, children) {
  const withReaped = (fields) => (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICKS;
  let total = 0;
  try {
    total += withReaped(procStat(pid));
  } catch {
    return 0; // the service ended
  }
  for (const child of children) {
    try {
      total += withReaped(procStat(child));
    } catch {
      // the process ended
    }
  }
  return total;
}
const pidsOf = (name) => {
  try {
    return execFileSync('pgrep', ['-x', name], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

/** The processes whose parent is `pid`. */
function childrenOf(pid) {
  const children = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (Number(procStat(entry)[1]) === pid) children.push(Number(entry));
    } catch {
      // the process ended
    }
  }
  return children;
}

/**
 * Voluntary context switches of every thread of the processes: each is a time a thread slept until
 * something woke it (an answer on a socket, a lock, the disk). Round trips are counted here, not in
 * CPU-seconds, where this machine's run-to-run noise hides a few percent.
 */
function waitsOf(pids) {
  let total = 0;
  for (const pid of pids) {
    let tasks;
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // the process ended
    }
    for (const task of tasks) {
      try {
        total += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8'))?.[1] ?? 0);
      } catch {
        // the thread ended
      }
    }
  }
  return total;
}

/**
 * System calls that wrote (write, writev, send...; /proc/<pid>/io's syscw) by the processes. On
 * loopback a write to a socket also runs the receiver's side of TCP, so each costs far more than
 * its bytes: the writes a message costs are counted here, as the waits count its round trips.
 */
function writeCallsOf(pids) {
  let total = 0;
  for (const pid of pids) {
    try {
      total += Number(/^syscw:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
    } catch {
      // the process ended, or is not ours to read
    }
  }
  return total;
}

/** CPU-seconds, waits and write calls so far of each service (with the processes it started), of PostgreSQL and of RabbitMQ. */
function snapshot(stack) {
  const cpu = {};
  const waits = {};
  const writes = {};
  for (const name of SERVICE_NAMES) {
    const pid = stack.pid(name);
    const children = childrenOf(pid);
    cpu[name] = serviceCpuSeconds(pid, children);
    waits[name] = waitsOf([pid, ...children]);
    writes[name] = writeCallsOf([pid, ...children]);
  }
  for (const [name, command] of [['postgresql', 'postgres'], ['rabbitmq', 'beam.smp']]) {
    const pids = pidsOf(command);
    cpu[name] = cpuSeconds(pids);
    waits[name] = waitsOf(pids);
    writes[name] = writeCallsOf(pids);
  }
  return { cpu, waits, writes };
}

/** What PostgreSQL did in the exchange's database: transactions and rows written, from its statistics. */
async function postgresWork(db) {
  // Backends report their counts to the statistics at most once a second.
  await sleep(1500);
  await db.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await db.query(
    `SELECT xact_commit + xact_rollback AS transactions, tup_inserted + tup_updated + tup_deleted AS written FROM pg_stat_database WHERE datname = current_database()`,
  );
  const tables = await db.query(
    `SELECT schemaname || '.' || relname AS name, n_tup_ins AS inserted, n_tup_upd AS updated, n_tup_hot_upd AS hot, n_tup_del AS deleted FROM pg_stat_user_tables`,
  );
  const byTable = Object.fromEntries(tables.rows.map((t) => [t.name, { inserted: Number(t.inserted), updated: Number(t.updated), hot: Number(t.hot), deleted: Number(t.deleted) }]));
  return { transactions: Number(rows[0].transactions), written: Number(rows[0].written), byTable };
}

/** Each table's rows written between two readings of postgresWork. */
function tableDeltas(before, after) {
  const zero = { inserted: 0, updated: 0, hot: 0, deleted: 0 };
  return Object.entries(after.byTable).map(([name, now]) => {
    const then = before.byTable[name] ?? zero;
    const delta = { inserted: now.inserted - then.inserted, updated: now.updated - then.updated, hot: now.hot - then.hot, deleted: now.deleted - then.deleted };
    return { name, ...delta, total: delta.inserted + delta.updated + delta.deleted };
  });
}

/** The tables written most between two readings of postgresWork, per document: where the rows go. */
function busiestTables(before, after, documents, count) {
  return tableDeltas(before, after)
    .filter((t) => t.total > 0)
    .sort((a, b) => b.total - a.total)
    .slice(0, count)
    .map((t) => `${t.name.padEnd(34)} ${(t.total / documents).toFixed(1).padStart(6)}  (inserted ${(t.inserted / documents).toFixed(1)}, updated ${(t.updated / documents).toFixed(1)} of which HOT ${(t.hot / documents).toFixed(1)}, deleted ${(t.deleted / documents).toFixed(1)})`);
}

/**
 * Messages a document costs, per service: the events it put in its outbox (each then published with a
 * confirm) and the messages it claimed in its inbox (each consumed, claimed and acknowledged). Every
 * hop between services is one of each, whatever its handler does.
 */
function messagesPerService(before, after, documents) {
  const inserted = new Map(tableDeltas(before, after).map((table) => [table.name, table.inserted]));
  const rowsOf = (name) => inserted.get(name) ?? 0;
  const schemas = [...new Set([...inserted.keys()].filter((name) => /\.(inbox|outbox)$/.test(name)).map((name) => name.split('.')[0]))].sort();
  const rows = schemas.map((schema) => ({ schema, published: rowsOf(`${schema}.outbox`) / documents, consumed: rowsOf(`${schema}.inbox`) / documents }));
  const total = (key) => rows.reduce((sum, row) => sum + row[key], 0);
  return [...rows.filter((row) => row.published + row.consumed > 0), { schema: 'all', published: total('published'), consumed: total('consumed') }].map(
    (row) => `${row.schema.padEnd(12)} ${row.published.toFixed(1).padStart(9)} ${row.consumed.toFixed(1).padStart(9)}`,
  );
}

/** Every document submitted has reached signing and waits for its signer (the submissions' work done). */
async function untilAllAwaitSignature(db, stack) {
  for (;;) {
    stack.assertAlive();
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM signing.jobs WHERE state = 'awaiting_signature'`);
    if (rows[0].n >= DOCUMENTS) return;
    await sleep(100);
  }
}

/**
 * The signers at their desks: each waiting request approved by its signer through the API. Each
 * signer clicks on their own: a request seen while others' approvals are still on their way is
 * approved at once, not after them (which would add the slowest click of a round to its latency).
 */
function signerDesk(stack, databaseUrl) {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  // The stack's database is dropped with its connections when a run fails: that is not the error to report.
  pool.on('error', () => undefined);
  let stopped = false;
  const clicking = new Map();
  const approve = async (row) => {
    try {
      const response = await fetch(stack.url('signing', `/sign-requests/${row.document_id}/approve`), { method: 'POST', headers: { authorization: `Bearer ${stack.token(row.signer_username)}` } });
      await response.body?.cancel();
    } catch (error) {
      // A signer whose click did not go through clicks again when the desk next sees the request.
      process.stderr.write(`approval of ${row.document_id} failed (${error.cause?.code ?? error.message}); trying again\n`);
    }
  };
  const done = (async () => {
    while (!stopped) {
      const { rows } = await pool.query(`SELECT document_id, signer_username FROM signing.jobs WHERE state = 'awaiting_signature' LIMIT 64`);
      const fresh = rows.filter((row) => !clicking.has(row.document_id));
      for (const row of fresh) clicking.set(row.document_id, approve(row).finally(() => clicking.delete(row.document_id)));
      if (fresh.length === 0) await sleep(20);
    }
    await Promise.all(clicking.values());
  })();
  // A failed poll ends the desk; the run reports it when it stops the desk, not as an unhandled rejection.
  const ended = done.then(
    () => undefined,
    (error) => error,
  );
  let stoppedOnce;
  return () => {
    stoppedOnce ??= (async () => {
      stopped = true;
      const error = await ended;
      await pool.end();
      if (error !== undefined) throw new Error(`the signers' desk stopped: ${error.message}`);
    })();
    return stoppedOnce;
  };
}

let midway = Promise.resolve();

function runMidway(command) {
  return new Promise((resolveRun, rejectRun) => {
    const child = require('node:child_process').spawn('bash', ['-c', command], { stdio: 'inherit' });
    child.on('error', rejectRun);
    child.on('exit', (code) => (code === 0 ? resolveRun() : rejectRun(new Error(`--midway "${command}" exited with ${code}`))));
  });
}

const BENCH_LABEL = 'Van ban do thong luong';

/**
 * Document `index`'s own bytes: the generated file with its 16-hex-digit nonce (after the label in
 * the page's text) replaced by the index, same length, so offsets and cross-reference stay right.
 * Clerks send different documents: the same bytes 500 times were stored once (content addressing)
 * and every submission waited for the one before on that object's lock.
 */
function distinctDocuments(template) {
  const at = template.indexOf(Buffer.from(`(${BENCH_LABEL} `, 'latin1'));
  if (at < 0) throw new Error('the generated PDF does not carry its label where the benchmark expects it');
  const nonceAt = at + BENCH_LABEL.length + 2;
  const prefix = template.subarray(nonceAt, nonceAt + 8).toString('latin1');
  return (index) => {
    const copy = Buffer.from(template);
    copy.write(`${prefix}${index.toString(16).padStart(8, '0')}`, nonceAt, 16, 'latin1');
    return copy;
  };
}

/** One clerk's submission of document `index`: its id. */
async function submitOne(stack, pdfOf, index) {
  const pdf = pdfOf(index);
  const sender = senders[index % senders.length];
  const form = new FormData();
  form.append('metadata', JSON.stringify({ type: 'CV', subject: `Văn bản đo thông lượng số ${index}`, recipients, signer: sender.signer }));
  form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'van-ban.pdf');
  const response = await fetch(stack.url('intake', '/documents'), { method: 'POST', headers: { authorization: `Bearer ${stack.token(sender.clerk)}` }, body: form });
  if (response.status !== 202) throw new Error(`submission ${index} refused: ${response.status} ${await response.text()}`);
  return (await response.json()).documentId;
}

/** After each submission: progress, and the --midway command once half are in. */
function submitted(index) {
  if ((index + 1) % 50 === 0) process.stderr.write(`submitted ${index + 1}/${DOCUMENTS}\n`);
  if (MIDWAY !== undefined && index + 1 === Math.ceil(DOCUMENTS / 2)) {
    process.stderr.write(`midway: ${MIDWAY}\n`);
    // Not awaited: submissions and the signers go on while it runs.
    midway = runMidway(MIDWAY);
  }
}

/** C clerks submitting one after another (a closed load), or R a second on a schedule (--rate: an open load). */
async function submitAll(stack, pdfOf) {
  const started = new Map();
  if (RATE !== undefined) {
    const t0 = performance.now();
    let behind = 0;
    await Promise.all(
      Array.from({ length: DOCUMENTS }, async (_, index) => {
        const due = t0 + (index * 1000) / RATE;
        await sleep(due - performance.now());
        behind = Math.max(behind, performance.now() - due);
        started.set(await submitOne(stack, pdfOf, index), index);
        submitted(index);
      }),
    );
    if (behind > 1000) process.stderr.write(`the schedule slipped by up to ${(behind / 1000).toFixed(1)} s: submissions did not all start on time\n`);
    return started;
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < DOCUMENTS) {
        const index = next++;
        started.set(await submitOne(stack, pdfOf, index), index);
        submitted(index);
      }
    }),
  );
  return started;
}

/** Per document: submitted, issued and delivered (the last of its deliveries), from the services' own records. */
/**
 * How many deliveries have a status (or went to a ward system's queue): the progress polled twice a
 * second. The timeline's join over every delivery's history, asked that often, cost PostgreSQL a
 * visible share of what the exchange itself cost it; it is asked once all seem delivered.
 */
async function deliveredSoFar(db) {
  const { rows } = await db.query(`SELECT count(*) FILTER (WHERE channel = 'queue' OR status IS NOT NULL) AS delivered FROM routing.deliveries`);
  return Number(rows[0].delivered);
}

async function timeline(db) {
  const { rows } = await db.query(`
    WITH delivered AS (
      SELECT d.document_id, d.delivery_id,
             CASE WHEN d.channel = 'queue' THEN d.created_at ELSE (SELECT min(h.occurred_at) FROM routing.status_history h WHERE h.delivery_id = d.delivery_id AND h.status = 1) END AS at
        FROM routing.deliveries d)
    SELECT i.document_id, i.submitted_at, i.issued_at, count(x.delivery_id) AS deliveries, count(x.at) AS delivered, max(x.at) AS delivered_at
      FROM intake.documents i LEFT JOIN delivered x ON x.document_id = i.document_id
     GROUP BY i.document_id, i.submitted_at, i.issued_at`);
  return rows;
}

/**
 * Documents a second while the exchange runs full: from the moment a quarter of the documents were
 * delivered to the moment three quarters were. The whole run's figure includes the start, while
 * V8 still compiles, and the drain of the last documents, when the pipeline is no longer full.
 */
function steadyRate(rows) {
  const done = rows.map((r) => r.delivered_at).filter((at) => at !== null).map((at) => at.getTime()).sort((a, b) => a - b);
  if (done.length < 8) return undefined;
  const first = Math.floor(done.length / 4);
  const last = Math.floor((done.length * 3) / 4);
  const seconds = (done[last] - done[first]) / 1000;
  return seconds > 0 ? (last - first) / seconds : undefined;
}

/**
 * How many documents were submitted, issued and delivered in each tenth of the run: where the whole
 * run's figure loses against the steady state (a slow start, a backlog, a long drain) shows here.
 */
function shapeOfRun(rows, parts = 10) {
  const origin = Math.min(...rows.map((r) => r.submitted_at.getTime()));
  const end = Math.max(...rows.map((r) => (r.delivered_at ?? r.submitted_at).getTime()));
  const width = Math.max(1, end - origin) / parts;
  const counts = Array.from({ length: parts }, () => ({ submitted: 0, issued: 0, delivered: 0, slowest: 0 }));
  const partOf = (at) => counts[Math.min(parts - 1, Math.floor((at.getTime() - origin) / width))];
  const count = (at, what) => {
    if (at !== null) partOf(at)[what]++;
  };
  for (const row of rows) {
    count(row.submitted_at, 'submitted');
    count(row.issued_at, 'issued');
    count(row.delivered_at, 'delivered');
    // Whether a tail in the percentiles is the start's warm-up or spread through the run.
    const part = partOf(row.submitted_at);
    if (row.delivered_at !== null) part.slowest = Math.max(part.slowest, (row.delivered_at - row.submitted_at) / 1000);
  }
  return counts.map((c, index) => ({ from: (index * width) / 1000, to: ((index + 1) * width) / 1000, ...c }));
}

/** Nothing lost and nothing doubled: every built-in arrival entered once, every delivery's 01 recorded once. */
async function checkOnce(db) {
  const { rows } = await db.query(`
    SELECT (SELECT count(*) FROM intake.documents WHERE state = 'issued') AS issued,
           (SELECT count(*) FROM routing.deliveries) AS deliveries,
           (SELECT count(*) FROM routing.deliveries WHERE channel = 'builtin') AS builtin,
           (SELECT count(*) FROM intake.register_entries WHERE book = 'incoming') AS entered,
           (SELECT count(*) FROM (SELECT delivery_id FROM routing.status_history WHERE status = 1 GROUP BY delivery_id HAVING count(*) > 1) twice) AS doubled`);
  const c = Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]));
  const problems = [
    c.issued !== DOCUMENTS && `${c.issued} of ${DOCUMENTS} documents issued`,
    c.deliveries !== DOCUMENTS * RECIPIENTS && `${c.deliveries} deliveries, not ${DOCUMENTS * RECIPIENTS}`,
    c.entered !== c.builtin && `${c.entered} incoming register entries for ${c.builtin} built-in deliveries`,
    c.doubled > 0 && `${c.doubled} deliveries with 01 recorded twice`,
  ].filter(Boolean);
  return { counts: c, problems };
}

async function rawRabbit(amqpUrl, messages) {
  const connection = await amqp.connect(amqpUrl);
  const channel = await connection.createConfirmChannel();
  const queue = `bench-raw-${randomBytes(4).toString('hex')}`;
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  const body = Buffer.alloc(600, 1);
  const started = performance.now();
  for (let i = 0; i < messages; i++) {
    channel.sendToQueue(queue, body, { persistent: true });
    if (i % 500 === 499) await channel.waitForConfirms();
  }
  await channel.waitForConfirms();
  const consumer = await connection.createChannel();
  await consumer.prefetch(200);
  let received = 0;
  await new Promise((resolveAll) => {
    void consumer.consume(queue, (message) => {
      consumer.ack(message);
      if (++received === messages) resolveAll();
    });
  });
  const seconds = (performance.now() - started) / 1000;
  await consumer.close();
  await channel.deleteQueue(queue);
  await connection.close();
  return seconds;
}

async function rawPostgres(databaseUrl, rows) {
  const pool = new Pool({ connectionString: databaseUrl, max: CONCURRENCY });
  await pool.query('CREATE TABLE IF NOT EXISTS bench_raw (id uuid PRIMARY KEY, document_id uuid NOT NULL, recipient text NOT NULL, body jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())');
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < rows) {
        next++;
        await pool.query('INSERT INTO bench_raw (id, document_id, recipient, body) VALUES (gen_random_uuid(), gen_random_uuid(), $1, $2)', ['000.31.13.H26', { status: 1 }]);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.query('DROP TABLE bench_raw');
  await pool.end();
  return seconds;
}

async function main() {
  const scratch = join(require('node:os').tmpdir(), `edoc-bench-e2e-${randomBytes(4).toString('hex')}.pdf`);
  await writeLargePdf(scratch, SIZE_KB * 1024, BENCH_LABEL);
  const pdfOf = distinctDocuments(readFileSync(scratch));
  require('node:fs').rmSync(scratch, { force: true });
  console.log(`starting a scratch exchange with ${KEYS} keys; then ${DOCUMENTS} documents of ${SIZE_KB} KB to ${RECIPIENTS === 20 ? 'the 20 wards' : 'one ward'}, ${LOAD} ...`);
  let databaseUrl = '';
  let amqpUrl = '';
  const stack = await startStack({
    root,
    cpuProfileDir: CPU_PROFILE_DIR,
    syncFsDir: SYNC_FS_DIR,
    keyAlgorithm: KEYS,
    beforeServices: async ({ env }) => {
      databaseUrl = env.EDOC_DATABASE_URL;
      amqpUrl = env.EDOC_AMQP_URL;
    },
  });
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  let stopDesk = APPROVE_AFTER_SUBMIT ? async () => undefined : signerDesk(stack, databaseUrl);
  try {
    if (PG_STATEMENTS) await startStatementStatistics(db);
    const workBefore = await postgresWork(db);
    const { cpu: before, waits: waitsBefore, writes: writesBefore } = snapshot(stack);
    const clientBefore = process.cpuUsage();
    const started = performance.now();
    await submitAll(stack, pdfOf);
    let submissionsAlone;
    if (APPROVE_AFTER_SUBMIT) {
      await untilAllAwaitSignature(db, stack);
      submissionsAlone = { seconds: (performance.now() - started) / 1000, cpu: snapshot(stack).cpu, approvalsFrom: performance.now() };
      stopDesk = signerDesk(stack, databaseUrl);
    }
    const expected = DOCUMENTS * RECIPIENTS;
    let rows = [];
    for (let last = -1; ; await sleep(500)) {
      stack.assertAlive();
      const delivered = await deliveredSoFar(db);
      if (delivered !== last) process.stderr.write(`delivered ${delivered}/${expected}\n`);
      last = delivered;
      if (delivered >= expected) {
        rows = await timeline(db);
        if (rows.reduce((n, r) => n + Number(r.delivered), 0) >= expected) break;
      }
      if (performance.now() - started > 30 * 60_000) throw new Error(`only ${delivered} of ${expected} deliveries after 30 minutes`);
    }
    const seconds = (performance.now() - started) / 1000;
    const client = process.cpuUsage(clientBefore);
    await midway;
    const { cpu: after, waits: waitsAfter, writes: writesAfter } = snapshot(stack);
    const once = await checkOnce(db);
    await stopDesk();
    const workAfter = await postgresWork(db);

    const issued = rows.map((r) => (r.issued_at - r.submitted_at) / 1000);
    const delivered = rows.map((r) => (r.delivered_at - r.submitted_at) / 1000);
    const rabbitSeconds = await rawRabbit(amqpUrl, expected);
    const postgresSeconds = await rawPostgres(databaseUrl, expected);

    console.log(`\n${DOCUMENTS} documents × ${RECIPIENTS} recipients, ${SIZE_KB} KB, ${LOAD}, ${KEYS} keys: ${seconds.toFixed(1)} s\n`);
    console.log(`  documents per second    ${(DOCUMENTS / seconds).toFixed(1)}`);
    console.log(`  deliveries per second   ${(expected / seconds).toFixed(1)}`);
    const steady = steadyRate(rows);
    if (steady !== undefined) console.log(`  steady state            ${steady.toFixed(1)} documents a second (the middle half of the documents to be delivered, without the start's warm-up and the last ones' drain)`);
    const line = (name, values) => console.log(`  ${name.padEnd(22)}  p50 ${percentile(values, 50).toFixed(2)} s   p95 ${percentile(values, 95).toFixed(2)} s   p99 ${percentile(values, 99).toFixed(2)} s`);
    line('submit → issued', issued);
    line('submit → delivered', delivered);
    console.log('\n  Over the run, documents in each tenth of it:   submitted   issued   delivered   slowest submit → delivered of those submitted');
    for (const part of shapeOfRun(rows)) {
      const slowest = part.submitted === 0 ? '' : `${part.slowest.toFixed(2)} s`;
      console.log(`    ${part.from.toFixed(1).padStart(6)} – ${part.to.toFixed(1).padStart(5)} s ${String(part.submitted).padStart(24)} ${String(part.issued).padStart(8)} ${String(part.delivered).padStart(11)} ${slowest.padStart(12)}`);
    }
    if (submissionsAlone !== undefined) {
      const pipelineSeconds = (started + seconds * 1000 - submissionsAlone.approvalsFrom) / 1000;
      console.log(`\n  Submissions alone, each until its signing request awaited the signer: ${submissionsAlone.seconds.toFixed(1)} s (${(DOCUMENTS / submissionsAlone.seconds).toFixed(1)} a second); CPU ms a document:`);
      console.log(`    ${[...SERVICE_NAMES, 'postgresql', 'rabbitmq'].map((name) => `${name} ${((submissionsAlone.cpu[name] - before[name]) / DOCUMENTS * 1000).toFixed(1)}`).join(', ')}`);
      console.log(`  From the first approval to the last delivery: ${pipelineSeconds.toFixed(1)} s, ${(DOCUMENTS / pipelineSeconds).toFixed(1)} documents a second; CPU ms a document:`);
      console.log(`    ${[...SERVICE_NAMES, 'postgresql', 'rabbitmq'].map((name) => `${name} ${((after[name] - submissionsAlone.cpu[name]) / DOCUMENTS * 1000).toFixed(1)}`).join(', ')}`);
    }
    console.log('\n  CPU-seconds per document (the signers\' approvals included; a service with the processes it starts):');
    for (const name of [...SERVICE_NAMES, 'postgresql', 'rabbitmq']) console.log(`    ${name.padEnd(12)} ${((after[name] - before[name]) / DOCUMENTS * 1000).toFixed(1)} ms`);
    // The clients share the two cores with the exchange: what they took is not the exchange's to use.
    console.log(`    ${'(benchmark)'.padEnd(12)} ${((client.user + client.system) / 1000 / DOCUMENTS).toFixed(1)} ms: its clerks' uploads, signers' desk and progress polls`);
    console.log('\n  Per document: waits (voluntary context switches of every thread: each a sleep until a socket, a lock or the disk woke it;\n  a PostgreSQL backend waits once a round trip, so these move with round trips where CPU-seconds are too noisy to show them)\n  and write system calls (each write to a socket on loopback also runs the receiver\'s side of TCP):');
    console.log(`    ${''.padEnd(12)} ${'waits'.padStart(5)} ${'writes'.padStart(7)}`);
    const perDocumentOf = (afterCounts, beforeCounts) => (name) => (afterCounts[name] - beforeCounts[name]) / DOCUMENTS;
    const waitsPerDocument = perDocumentOf(waitsAfter, waitsBefore);
    const writesPerDocument = perDocumentOf(writesAfter, writesBefore);
    const everyProcess = [...SERVICE_NAMES, 'postgresql', 'rabbitmq'];
    for (const name of everyProcess) console.log(`    ${name.padEnd(12)} ${waitsPerDocument(name).toFixed(0).padStart(5)} ${writesPerDocument(name).toFixed(0).padStart(7)}`);
    const sum = (perDocument) => everyProcess.reduce((total, name) => total + perDocument(name), 0).toFixed(0);
    console.log(`    ${'all'.padEnd(12)} ${sum(waitsPerDocument).padStart(5)} ${sum(writesPerDocument).padStart(7)}`);
    console.log(`\n  Checked: ${once.counts.issued} documents issued, ${once.counts.deliveries} deliveries, ${once.counts.entered} built-in arrivals entered once each, no 01 twice${once.problems.length === 0 ? '' : ` -- NOT SO: ${once.problems.join('; ')}`}`);
    if (once.problems.length > 0) process.exitCode = 1;
    const perDocument = (key) => ((workAfter[key] - workBefore[key]) / DOCUMENTS).toFixed(0);
    console.log(`\n  PostgreSQL per document: ${perDocument('transactions')} transactions, ${perDocument('written')} rows written (the benchmark's own polling included); the tables written most, rows per document:`);
    for (const line of busiestTables(workBefore, workAfter, DOCUMENTS, 12)) console.log(`    ${line}`);
    console.log('\n  Messages per document (outbox rows published, inbox claims consumed):\n                 published  consumed');
    for (const line of messagesPerService(workBefore, workAfter, DOCUMENTS)) console.log(`    ${line}`);
    if (PG_STATEMENTS) {
      console.log('\n  The statements that took PostgreSQL the most execution time (pg_stat_statements), per document:');
      for (const line of await busiestStatements(db, DOCUMENTS, 15)) console.log(`    ${line}`);
    }
    console.log('\n  Baselines, same run, same machine:');
    console.log(`    raw RabbitMQ: ${expected} persistent messages published with confirms to a quorum queue and consumed: ${rabbitSeconds.toFixed(2)} s (${(expected / rabbitSeconds).toFixed(0)}/s); the exchange's deliveries/s is ${((expected / seconds) / (expected / rabbitSeconds) * 100).toFixed(1)}% of it`);
    console.log(`    raw PostgreSQL: ${expected} single-row inserts, ${CONCURRENCY} connections: ${postgresSeconds.toFixed(2)} s (${(expected / postgresSeconds).toFixed(0)}/s); the exchange's deliveries/s is ${((expected / seconds) / (expected / postgresSeconds) * 100).toFixed(1)}% of it`);
  } finally {
    // Stopped already on success (and its failure thrown there); after another failure, that one is reported.
    await stopDesk().catch(() => undefined);
    await db.end();
    await stack.stop();
  }
  if (SYNC_FS_DIR !== undefined) {
    console.log('\n  Synchronous file-system calls, the whole run (start included): the event loop held, a document:');
    for (const line of syncFsSummary(SYNC_FS_DIR, SERVICE_NAMES, DOCUMENTS)) console.log(`    ${line}`);
    require('node:fs').rmSync(SYNC_FS_DIR, { recursive: true, force: true });
  }
  if (CPU_PROFILE_DIR !== undefined) {
    console.log(`\n  Hottest functions by self time (profiles in ${CPU_PROFILE_DIR}):`);
    for (const line of hottestFunctions(CPU_PROFILE_DIR, SERVICE_NAMES, 8)) console.log(`    ${line}`);
  }
}

/** Per service: how long its synchronous file calls held the event loop a document, and the calls that held it most. */
function syncFsSummary(dir, services, documents) {
  const { existsSync } = require('node:fs');
  return services.flatMap((name) => {
    const path = join(dir, `${name}.json`);
    if (!existsSync(path)) return [`${name.padEnd(12)} (no timings: the service did not exit normally)`];
    const calls = Object.entries(JSON.parse(readFileSync(path, 'utf8'))).filter(([, total]) => total.calls > 0);
    const ms = calls.reduce((sum, [, total]) => sum + total.ms, 0);
    const top = calls
      .sort(([, a], [, b]) => b.ms - a.ms)
      .slice(0, 4)
      .map(([call, total]) => `${call} ${(total.calls / documents).toFixed(1)}× ${(total.ms / total.calls).toFixed(2)} ms (max ${total.maxMs.toFixed(1)})`);
    return [`${name.padEnd(12)} ${(ms / documents).toFixed(2).padStart(6)} ms   ${top.join(', ')}`];
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
