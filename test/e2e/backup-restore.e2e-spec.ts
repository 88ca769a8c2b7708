import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { serviceBrokerRights } from '@edoc/runtime';
import { WardClient, type WardEvent } from '@edoc/ward-client';
import { http, submissionForm } from '../support/http';
import { makePdf } from '../support/pdf-fixtures';
import { SERVICE_NAMES, TestExchange } from '../support/test-exchange';

const BACH_DANG = '000.31.13.H26';
/** A ward with a system of its own, on its own queue, with its own journal. */
const BACH_KHOA = '000.32.13.H26';

interface DocumentView {
  state: string;
  numberNotation: string | null;
  file: { sha256: string } | null;
  attachments: { sha256: string }[];
}

/**
 * The drill: traffic, `edoc backup`, the database and the storage destroyed, `edoc restore` into a
 * fresh database and empty storage, the services started on them. The audit chain verifies, every
 * document downloads with its SHA-256, numbering goes on without a gap or a repeat, and a ward
 * system drops the delivery the restored exchange sends it again, while its repeated 01 gives the
 * restored exchange back the receipt it had lost.
 */
describe('backup and restore, drilled', () => {
  let exchange: TestExchange;
  let backupDir: string;
  let restoredUrl: string;
  let ward: WardClient | undefined;
  const wardEvents: WardEvent[] = [];
  const sent: string[] = [];

  beforeAll(async () => {
    exchange = await TestExchange.start();
    backupDir = join(mkdtempSync(join(tmpdir(), 'edoc-backup-')), 'backup');
    const wardToken = async () => exchange.token('bachkhoa.system');
    ward = await WardClient.connect({
      code: BACH_KHOA,
      amqpUrl: exchange.wardAmqpUrl(BACH_KHOA),
      files: { baseUrl: exchange.url('intake'), token: { token: wardToken, renew: wardToken } },
      journal: join(backupDir, '..', 'ward-journal.jsonl'),
      onEvent: (event) => wardEvents.push(event),
    });
    await ward.start(async () => undefined);
  }, 150_000);

  afterAll(async () => {
    await ward?.close();
    await exchange?.stop();
    if (restoredUrl !== undefined) {
      const admin = new Client({ connectionString: restoredUrl.replace(/\/[^/?]+(\?|$)/, '/postgres$1') });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${new URL(restoredUrl).pathname.slice(1)}" WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    }
    rmSync(join(backupDir, '..'), { recursive: true, force: true });
  });

  const view = async (documentId: string) => (await http<DocumentView>(exchange.url('intake', `/documents/${documentId}`), { token: exchange.token('hbt.clerk') })).body;

  async function sendIssued(subject: string, recipient = BACH_DANG): Promise<DocumentView & { documentId: string }> {
    const answer = await http<{ documentId: string }>(exchange.url('intake', '/documents'), {
      token: exchange.token('hbt.clerk'),
      form: submissionForm({ type: 'CV', subject, recipients: [recipient], signer: 'hbt.signer' }, await makePdf(subject), [await makePdf(`Phụ lục: ${subject}`)]),
    });
    expect(answer.status).toBe(202);
    const documentId = answer.body.documentId;
    const issued = await exchange.waitFor(`"${subject}" issued`, async () => {
      const current = await view(documentId);
      // The chairman approves (the test's signer desk watches the first database only).
      if (current.state === 'awaiting_signature') await http(exchange.url('signing', `/sign-requests/${documentId}/approve`), { token: exchange.token('hbt.signer'), json: {} });
      return current.state === 'issued' ? current : undefined;
    }, { timeoutMs: 90_000, intervalMs: 500 });
    return { ...issued, documentId };
  }

  const auditVerify = async () => {
    const run = await exchange.cli(['audit', 'verify', '--json', '--as', 'admin', '--url', exchange.url('archival')]).catch((error: { stdout: string; code: number }) => error);
    return JSON.parse(run.stdout) as { verdict: string; documents: number; entries: number };
  };

  it('restores into a fresh database and empty storage: the audit chain INTACT, every file, numbering going on', async () => {
    const first = await sendIssued('Về việc sao lưu dữ liệu (1)');
    const second = await sendIssued('Về việc sao lưu dữ liệu (2)');
    sent.push(first.documentId, second.documentId);
    expect([first.numberNotation, second.numberNotation]).toEqual(['01/UBND', '02/UBND']);
    const before = await exchange.waitFor('both documents in the audit chain', async () => {
      const report = await auditVerify();
      return report.verdict === 'intact' && report.documents >= 2 ? report : undefined;
    }, { timeoutMs: 90_000, intervalMs: 1_000 });

    // A delivery to the ward is in routing's outbox when the backup is taken, and reaches the ward
    // only after: the restored exchange will send it again. (Routing may not publish meanwhile:
    // its broker user loses the right to write, and its connections are closed so that it counts.)
    const routingUser = exchange.brokerUserOf('routing');
    const rights = serviceBrokerRights('routing').permissions;
    await exchange.management.setPermissions(exchange.vhostName, routingUser, { ...rights, write: '^$' });
    for (const connection of (await exchange.management.listConnections(exchange.vhostName)).filter((c) => c.user === routingUser)) {
      await exchange.management.closeConnection(connection.name, 'the drill holds routing back');
    }
    const toWard = await sendIssued('Về việc sao lưu dữ liệu (phường Bách Khoa)', BACH_KHOA);
    sent.push(toWard.documentId);
    expect(toWard.numberNotation).toBe('03/UBND');
    const db = new Client({ connectionString: exchange.databaseUrl });
    await db.connect();
    try {
      await exchange.waitFor('the delivery to Bách Khoa held in routing\'s outbox', async () => {
        const { rows } = await db.query<{ held: string }>(`SELECT count(*) AS held FROM routing.outbox WHERE routing_key = $1 AND sent_at IS NULL`, [BACH_KHOA]);
        return Number(rows[0]?.held) > 0 ? true : undefined;
      }, { timeoutMs: 60_000, intervalMs: 250 });
    } finally {
      await db.end();
    }

    const backedUp = await exchange.cli(['backup', '--out', backupDir, '--json']);
    const summary = JSON.parse(backedUp.stdout) as { files: number; archive: number; auditHead: { seq: number } };
    expect(summary.files).toBeGreaterThanOrEqual(4);
    expect(summary.archive).toBeGreaterThan(0);
    expect(backedUp.stderr).toMatch(/files: \d+ of \d+/);

    await exchange.management.setPermissions(exchange.vhostName, routingUser, rights);
    const delivered = await exchange.waitFor('the ward to take the delivery in', async () => wardEvents.find((e): e is Extract<WardEvent, { kind: 'delivered' }> => e.kind === 'delivered'), { timeoutMs: 90_000, intervalMs: 250 });
    const receipt = async () => {
      const current = await http<{ deliveries: { deliveryId: string; status: string | null }[] }>(exchange.url('intake', `/documents/${toWard.documentId}`), { token: exchange.token('hbt.clerk') });
      return current.body.deliveries?.find((d) => d.deliveryId === delivered.delivery.deliveryId)?.status;
    };
    await exchange.waitFor('the ward\'s 01 at the sender', async () => ((await receipt()) === '01' ? true : undefined), { timeoutMs: 60_000, intervalMs: 250 });

    // Everything is lost: the services stop, the database is left behind, the storage is wiped.
    for (const name of SERVICE_NAMES) await exchange.stopEveryInstance(name);
    rmSync(join(exchange.dataFolder, 'storage'), { recursive: true, force: true });
    restoredUrl = exchange.databaseUrl.replace(/\/([^/?]+)(\?|$)/, '/$1_restored$2');
    const restored = await exchange.cli(['restore', '--from', backupDir, '--json'], { EDOC_DATABASE_URL: restoredUrl });
    expect(JSON.parse(restored.stdout)).toMatchObject({ files: summary.files, archive: summary.archive, auditHead: summary.auditHead });
    // A second restore over it is refused: nothing is ever overwritten.
    await expect(exchange.cli(['restore', '--from', backupDir], { EDOC_DATABASE_URL: restoredUrl })).rejects.toMatchObject({ stderr: expect.stringMatching(/already holds edoc's schemas/) });

    exchange.env.EDOC_DATABASE_URL = restoredUrl;
    await Promise.all(SERVICE_NAMES.map((name) => exchange.startEveryInstance(name)));

    const after = await auditVerify();
    expect(after.verdict).toBe('intact');
    expect(after.entries).toBeGreaterThanOrEqual(before.entries);
    for (const documentId of sent) {
      const document = await view(documentId);
      for (const sha256 of [document.file!.sha256, ...document.attachments.map((a) => a.sha256)]) {
        const download = await http(exchange.url('intake', `/files/${sha256}`), { token: exchange.token('hbt.clerk') });
        expect([sha256, download.status, createHash('sha256').update(download.bytes).digest('hex')]).toEqual([sha256, 200, sha256]);
      }
    }
    // The restored outbox sends the delivery again: the ward's journal drops it, and its repeated
    // 01 (same message id) gives the restored exchange the receipt the backup did not have.
    const duplicate = await exchange.waitFor('the ward to drop the delivery sent again', async () => wardEvents.find((e) => e.kind === 'duplicate'), { timeoutMs: 90_000, intervalMs: 250 });
    expect(duplicate).toMatchObject({ delivery: { deliveryId: delivered.delivery.deliveryId } });
    expect(wardEvents.filter((e) => e.kind === 'delivered')).toHaveLength(1);
    await exchange.waitFor('the receipt back at the sender', async () => ((await receipt()) === '01' ? true : undefined), { timeoutMs: 60_000, intervalMs: 250 });

    const third = await sendIssued('Về việc sao lưu dữ liệu (3)');
    expect(third.numberNotation).toBe('04/UBND');
    expect(existsSync(join(exchange.dataFolder, 'storage'))).toBe(true);
    expect(readdirSync(backupDir)).toEqual(expect.arrayContaining(['backup.json', 'database.dump', 'objects']));
  }, 400_000);
});
