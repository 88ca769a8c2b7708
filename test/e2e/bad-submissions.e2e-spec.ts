import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Client } from 'pg';
import { filesUnder, waitFor } from '@edoc/testing';
import { TestExchange } from '../support/test-exchange';
import { http, submissionForm } from '../support/http';
import { makePdf } from '../support/pdf-fixtures';
import { PDFDocument, PDFName, PDFString } from 'pdf-lib';

const MAX_BYTES = 256 * 1024;
const good = { type: 'CV', subject: 'Về việc kiểm tra', recipients: ['000.31.13.H26'], signer: 'hbt.signer' };

/** Files below `dir` whose name holds `part` (an object is stored under its SHA-256). */
function filesNamed(dir: string, part: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.includes(part)).map((e) => e.name);
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
  });

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
    ['a NUL byte in the subject', () => pdf, { ...good, subject: 'Về việc\u0000 kiểm tra' }, 422, /^subject: control characters and unpaired surrogates are not allowed$/],
    ['a lone surrogate in the subject', () => pdf, { ...good, subject: 'Về việc \ud800' }, 422, /^subject: control characters/],
    ['an escape character in a recipient', () => pdf, { ...good, recipients: ['000.31.13.H26\u001b[2J'] }, 422, /^recipients\[0\]: control characters/],
    ['markup as the drafting unit', () => pdf, { ...good, draftingUnit: '<b>VP</b>' }, 422, /draftingUnit: "<b>VP<\/b>" is not an abbreviation/],
    ['a drafting unit of 300 characters', () => pdf, { ...good, draftingUnit: 'V'.repeat(300) }, 422, /draftingUnit: "V{24}" is not an abbreviation/],
    ['a reply to something that is no edXML id', () => pdf, { ...good, responseFor: "x' OR 1=1 --" }, 422, /responseFor: .* is not an edXML document id/],
  ])('refuses %s', async (_name, file, metadata, status, message) => {
    const answer = await submit(metadata, file());
    expect(answer.status).toBe(status);
    expect(reason(answer.body)).toMatch(message);
  });

  it('names at most ten of 10,000 unknown recipients, and how many more, in a small answer', async () => {
    const recipients = Array.from({ length: 10_000 }, (_, i) => `999.99.${String(i).padStart(5, '0')}.H99`);
    const answer = await submit({ ...good, recipients }, pdf);
    expect(answer.status).toBe(422);
    expect(reason(answer.body)).toMatch(/recipients: 10000 entries, at most 500/);
    expect(reason(answer.body)).toMatch(/unknown organisation or group "999.99.00000.H99", .*"999.99.00009.H99" and 490 more/);
    expect(answer.bytes.length).toBeLessThan(2048);
  });

  it('refuses control characters in any JSON body with 422, before any handler (a paper registration)', async () => {
    const answer = await http<{ message: string[] }>(exchange.url('intake', '/registers/outgoing'), {
      token: exchange.token('hbt.clerk'),
      json: { type: 'CV', subject: 'Giấy\u0007', recipients: 'UBND các phường', medium: 'paper', notes: 'dòng 1\ndòng 2' },
    });
    expect(answer.status).toBe(422);
    expect(reason(answer.body)).toBe('subject: control characters and unpaired surrogates are not allowed');
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
    // The audit trail's checkpoints may be there (sign-ins are audited); no document's file may.
    expect(filesUnder(join(exchange.dataFolder, 'storage')).filter((path) => !path.startsWith('edoc-archive/audit/checkpoints/'))).toEqual([]);
    // The staged uploads went with their answers.
    await waitFor('the staging folder to be empty', () => filesUnder(join(exchange.dataFolder, 'tmp', 'uploads')).length === 0, { timeoutMs: 5_000 });
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

  it('refuses the same Idempotency-Key with another request (other metadata, or another file) instead of answering with the first document', async () => {
    const key = { 'idempotency-key': 'one-key-two-requests' };
    const first = await http<{ documentId: string }>(exchange.url('intake', '/documents'), { token: exchange.token('hbt.clerk'), form: submissionForm(good, pdf), headers: key });
    expect(first.status).toBe(202);
    // The same fields in another order are the same request.
    const reordered = Object.fromEntries(Object.entries(good).reverse());
    const again = await http<{ documentId: string }>(exchange.url('intake', '/documents'), { token: exchange.token('hbt.clerk'), form: submissionForm(reordered, pdf), headers: key });
    expect(again.body.documentId).toBe(first.body.documentId);
    for (const [metadata, file] of [[{ ...good, subject: 'Về việc khác' }, pdf], [good, await makePdf('Mot tep khac')]] as const) {
      const other = await http<{ message: string[] }>(exchange.url('intake', '/documents'), { token: exchange.token('hbt.clerk'), form: submissionForm(metadata, file), headers: key });
      expect(other.status).toBe(422);
      expect(reason(other.body)).toMatch(new RegExp(`Idempotency-Key: key reused with a different request \\(it created document ${first.body.documentId}\\)`));
    }
  });

  it('refuses an encrypted PDF at the door, in Vietnamese and English, and stores nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edoc-encrypted-'));
    writeFileSync(join(dir, 'plain.pdf'), pdf);
    execFileSync('qpdf', ['--encrypt', 'user', 'owner', '256', '--', join(dir, 'plain.pdf'), join(dir, 'encrypted.pdf')]);
    const encrypted = readFileSync(join(dir, 'encrypted.pdf'));
    const answer = await submit(good, encrypted);
    expect(answer.status).toBe(422);
    expect(reason(answer.body)).toMatch(/^file \(document\.pdf\): tệp PDF được mã hóa \(có mật khẩu\); hãy gửi bản không mã hóa \/ the PDF is encrypted; send it without a password/);
    expect(filesNamed(join(exchange.dataFolder, 'storage'), createHash('sha256').update(encrypted).digest('hex'))).toEqual([]);
  });

  it('refuses a PDF that runs JavaScript when opened, by default', async () => {
    const doc = await PDFDocument.load(pdf);
    doc.catalog.set(PDFName.of('OpenAction'), doc.context.obj({ Type: 'Action', S: 'JavaScript', JS: PDFString.of('app.alert("x")') }));
    const answer = await submit(good, Buffer.from(await doc.save()));
    expect(answer.status).toBe(422);
    expect(reason(answer.body)).toMatch(/tệp PDF chứa mã thực thi .* \/ the PDF carries active content .*JavaScript/i);
  });

  it('takes a PDF whose cross-reference data is gone, says so, and signing repairs it: the document is issued', async () => {
    const text = pdf.toString('latin1');
    const cut = Buffer.from(text.slice(0, text.lastIndexOf('startxref')) + '%%EOF\n', 'latin1');
    const answer = await http<{ documentId: string; notes: string[] }>(exchange.url('intake', '/documents'), { token: exchange.token('hbt.clerk'), form: submissionForm(good, cut) });
    expect(answer.status).toBe(202);
    expect(answer.body.notes).toEqual([expect.stringMatching(/^file \(document\.pdf\): damaged cross-reference data .*signing rewrites the file in full first$/)]);
    const issued = await waitFor('the document to be issued', async () => {
      const view = await http<{ state: string; notes: string[] }>(exchange.url('intake', `/documents/${answer.body.documentId}`), { token: exchange.token('hbt.clerk') });
      return view.body.state === 'issued' ? view.body : undefined;
    }, { timeoutMs: 30_000 });
    expect(issued.notes).toEqual(answer.body.notes);
  });
});
