#!/usr/bin/env node
// npm run bench:audit: how many audit entries a second archival appends through the chain's head
// lock, every appender of every instance queueing behind it, on the machine's PostgreSQL. Baseline
// in the same run: transactions that only take that lock and move the head (the floor of any
// design that keeps one chain in one row), at the same concurrency.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '..');
if (process.argv.includes('--help')) {
  console.log(
    'usage: npm run bench:audit [-- --appends N] [--concurrency C]\n' +
      '  defaults: 3000 appends, 8 transactions at once, with one entry and with 10 entries a transaction\n' +
      '  needs PostgreSQL (EDOC_DATABASE_URL or the local default); works in a database of its own, dropped afterwards',
  );
  process.exit(0);
}
const option = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} needs a whole number above 0, got "${process.argv[index + 1] ?? ''}"`);
    process.exit(2);
  }
  return value;
};
const APPENDS = option('appends', 3000);
const CONCURRENCY = option('concurrency', 8);

const { Database, runMigrations } = require(join(root, 'libs/db/dist'));
const { messagingMigrationsDir } = require(join(root, 'libs/messaging/dist'));
const { createTestDatabase } = require(join(root, 'libs/testing/dist'));
const { AuditEntriesRepository } = require(join(root, 'services/archival/dist/repositories/audit-entries.repository'));

const documents = Array.from({ length: 50 }, () => randomUUID());
const entry = (index) => {
  const now = new Date().toISOString();
  return { type: 'delivery.status_changed', messageId: randomUUID(), documentId: documents[index % documents.length], orgCodes: ['000.00.13.H26', '000.31.13.H26'], occurredAt: now, recordedAt: now, summary: 'bench', payload: { index } };
};

/** Runs `count` units of work, CONCURRENCY at a time; returns units a second and the client's CPU per unit. */
async function measure(count, work) {
  let next = 0;
  const worker = async () => {
    while (next < count) await work(next++);
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { perSecond: count / seconds, cpuMs: (used.user + used.system) / 1000 / count };
}

const database = await createTestDatabase({ prefix: 'edoc_bench_audit' });
// Silent: drop() ends the database's connections, which the pool may report as it closes.
const db = new Database({ url: database.url, applicationName: 'edoc-bench-audit', max: CONCURRENCY, logger: { warn: () => undefined } });
try {
  await runMigrations(db, { schema: 'archival', directories: [messagingMigrationsDir, join(root, 'services/archival/migrations')] });
  const entries = new AuditEntriesRepository(db);
  const lockOnly = () => db.transaction(async (tx) => {
    await tx.query('SELECT seq, hash FROM archival.audit_head WHERE id = 1 FOR UPDATE');
    await tx.query('UPDATE archival.audit_head SET hash = hash WHERE id = 1');
  });
  const appendOne = (index) => db.transaction((tx) => entries.appendMany(tx, [entry(index)]));
  const appendTen = (index) => db.transaction((tx) => entries.appendMany(tx, Array.from({ length: 10 }, (_, offset) => entry(index * 10 + offset))));
  // Warm-up: prepared statements on every connection, V8's optimised code.
  await measure(CONCURRENCY * 20, appendOne);
  await measure(CONCURRENCY * 20, lockOnly);
  const baseline = await measure(APPENDS, lockOnly);
  const one = await measure(APPENDS, appendOne);
  const ten = await measure(Math.ceil(APPENDS / 10), appendTen);
  const line = (label, figures, perTransaction) =>
    `  ${label.padEnd(44)} ${(figures.perSecond * perTransaction).toFixed(0).padStart(6)} entries/s  ${(figures.cpuMs / perTransaction).toFixed(3)} ms client CPU an entry  ${((figures.perSecond * perTransaction) / baseline.perSecond).toFixed(2)}× the baseline`;
  console.log(`\n${APPENDS} audit entries, ${CONCURRENCY} transactions at once, on PostgreSQL:`);
  console.log(line('one entry a transaction', one, 1));
  console.log(line('ten entries a transaction (a busy archival)', ten, 10));
  console.log(`\n  baseline: the head lock alone (lock and move the head, nothing appended): ${baseline.perSecond.toFixed(0)} transactions/s`);
} finally {
  await db.close();
  await database.drop();
}
