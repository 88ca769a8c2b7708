import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Client } from 'pg';
import { waitFor } from '@edoc/testing';
import { TestExchange } from '../support/test-exchange';
import { http, submissionForm } from '../support/http';
import { makePdf } from '../support/pdf-fixtures';

const MAX_BYTES = 256 * 1024;
const good = { type: 'CV', subject: 'Về việc kiểm tra', recipients: ['000.31.13.H26'], signer: 'hbt.signer' };

function filesIn(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

describe('bad submissions are refused with a reason, and nothing is stored, numbered or sent', () => {
  let exchange: TestExchange;
  let db: Client;
  let pdf: Buffer;

  beforeAll(async () => {
    exchange = await TestExchange.start({ env: { EDOC_MAX_FILE_BYTES: String(MAX_BYTES) } });
    db = new Client({ connectionString: exchange.databaseUrl });
    await db.connect();
    pdf = await makePdf('Cong van kiem tra');
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    await exchange?.stop();
  });

  async function submit(metadata: Record<string, unknown>, file: Buffer | undefined) {
    return http<{ message: string | string[] }>(exchange.url('intake', '/documents'), { token: exchange.token('hbt.clerk'), form: submissionForm(metadata, file) });
  }

  const reason = (body: { message: string | string[] }) => (Array.isArray(body.message) ? body.message.join('\n') : body.message);

  it.each([
    ['a file that is not a PDF', () => Buffer.from('PK\u0003\u0004 this is a zip, not a PDF'), good, 415, /not a PDF/],
    ['an empty file', () => Buffer.alloc(0), good, 400, /the file is empty/],
    ['a truncated PDF', () => pdf.subarray(0, pdf.length - 200), good, 400, /truncated PDF/],
    ['an unknown recipient', () => pdf, { ...good, recipients: ['000.31.13.H26', '999.99.99.H99'] }, 422, /recipients: unknown organisation or group "999.99.99.H99"/],
    ['a missing subject', () => pdf, { ...good, subject: undefined }, 422, /subject: required/],
    ['a subject of 501 characters', () => pdf, { ...good, subject: 'â'.repeat(501) }, 422, /subject: 501 characters, at most 500/],
    ['a document marked MẬT', () => pdf, { ...good, secrecy: 'MẬT' }, 422, /state-secret documents \(MẬT\) are excluded/],
    ['a document marked TUYỆT MẬT', () => pdf, { ...good, secrecy: 'TUYỆT MẬT' }, 422, /state-secret documents/],
    ['a signer of another unit', () => pdf, { ...good, signer: 'bachdang.signer' }, 422, /signer: "bachdang.signer" is not a signer of 000.00.13.H26/],
  ])('refuses %s', async (_name, file, metadata, status, message) => {
    const answer = await submit(metadata, file());
    expect(answer.status).toBe(status);
    expect(reason(answer.body)).toMatch(message);
  });

  it('refuses a file over the configured limit with 413', async () => {
    const big = Buffer.concat([pdf, Buffer.alloc(MAX_BYTES, 0x20)]);
    const answer = await submit(good, big);
    expect(answer.status).toBe(413);
  });

  it('refuses a request without the file, and metadata that is not JSON', async () => {
    expect(reason((await submit(good, undefined)).body)).toMatch(/file: the document \(a PDF\) is required/);
    const form = new FormData();
    form.append('metadata', '{not json');
    form.append('file', new Blob([pdf]), 'a.pdf');
    const answer = await http<{ message: string }>(exchange.url('intake', '/documents'), { token: exchange.token('hbt.clerk'), form });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/metadata: not a JSON object/);
  });

  it('left no document, no file, no register entry and no message behind', async () => {
    const counts = await db.query(`SELECT (SELECT count(*) FROM intake.documents) AS documents, (SELECT count(*) FROM intake.register_entries) AS entries, (SELECT count(*) FROM intake.outbox) AS messages`);
    expect(counts.rows[0]).toEqual({ documents: '0', entries: '0', messages: '0' });
    expect(filesIn(join(exchange.dataFolder, 'storage'))).toBe(0);
  });

  it('answers a repeated submission with the same Idempotency-Key with the first document, not a second one', async () => {
    const send = () => http<{ documentId: string }>(exchange.url('intake', '/documents'), { token: exchange.token('hbt.clerk'), form: submissionForm(good, pdf), headers: { 'idempotency-key': 'retry-after-lost-answer-1' } });
    const [first, second] = await Promise.all([send(), send()]);
    const third = await send();
    expect([first.status, second.status, third.status]).toEqual([202, 202, 202]);
    expect(new Set([first.body.documentId, second.body.documentId, third.body.documentId]).size).toBe(1);
    const { rows } = await db.query(`SELECT count(*) FROM intake.documents WHERE idempotency_key = 'retry-after-lost-answer-1'`);
    expect(rows[0].count).toBe('1');
    const bad = await http<{ message: string }>(exchange.url('intake', '/documents'), { token: exchange.token('hbt.clerk'), form: submissionForm(good, pdf), headers: { 'idempotency-key': 'x' } });
    expect(bad.status).toBe(400);
  });

  it('accepts an encrypted PDF at the door but refuses to sign it: the document fails, unnumbered and unsent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edoc-encrypted-'));
    writeFileSync(join(dir, 'plain.pdf'), pdf);
    execFileSync('qpdf', ['--encrypt', 'user', 'owner', '256', '--', join(dir, 'plain.pdf'), join(dir, 'encrypted.pdf')]);
    const answer = await http<{ documentId: string }>(exchange.url('intake', '/documents'), { token: exchange.token('hbt.clerk'), form: submissionForm(good, readFileSync(join(dir, 'encrypted.pdf'))) });
    expect(answer.status).toBe(202);
    const failed = await waitFor('the document to fail', async () => {
      const view = await http<{ state: string; failure: { stage: string; reason: string } | null; numberNotation: string | null }>(exchange.url('intake', `/documents/${answer.body.documentId}`), { token: exchange.token('hbt.clerk') });
      return view.body.state === 'failed' ? view.body : undefined;
    }, { timeoutMs: 20_000 });
    expect(failed.failure?.stage).toBe('person_signature');
    expect(failed.failure?.reason).toMatch(/encrypt/i);
    expect(failed.numberNotation).toBeNull();
    const entries = await db.query(`SELECT count(*) FROM intake.register_entries WHERE document_id = $1`, [answer.body.documentId]);
    expect(entries.rows[0].count).toBe('0');
    const deliveries = await db.query(`SELECT count(*) FROM routing.deliveries WHERE document_id = $1`, [answer.body.documentId]);
    expect(deliveries.rows[0].count).toBe('0');
  });
});
