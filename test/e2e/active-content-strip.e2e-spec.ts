import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDict, PDFDocument, PDFName, PDFString } from 'pdf-lib';
import { filesUnder, waitFor } from '@edoc/testing';
import { TestExchange } from '../support/test-exchange';
import { http, submissionForm } from '../support/http';
import { makePdf } from '../support/pdf-fixtures';
import { qpdfCheck } from '../support/external-validators';

/**
 * EDOC_ACTIVE_CONTENT_POLICY=strip: a PDF that runs JavaScript is taken without it, the clerk is told
 * what was removed, the document goes on to be issued, and neither the upload nor its rewritten copy
 * is left in the staging folder.
 */
/** The kind of action the PDF runs when opened (/OpenAction's /S), read by pdf-lib: its objects may sit in compressed object streams. */
async function openActionOf(pdf: Buffer): Promise<string | undefined> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const action = doc.catalog.lookupMaybe(PDFName.of('OpenAction'), PDFDict);
  return action?.lookupMaybe(PDFName.of('S'), PDFName)?.decodeText();
}

describe('active content stripped at the door (EDOC_ACTIVE_CONTENT_POLICY=strip)', () => {
  let exchange: TestExchange;

  beforeAll(async () => {
    exchange = await TestExchange.start({ env: { EDOC_ACTIVE_CONTENT_POLICY: 'strip' } });
  });

  afterAll(async () => {
    await exchange?.stop();
  });

  it('takes a PDF without its JavaScript, says what went, issues it, and leaves no staged file', async () => {
    const doc = await PDFDocument.load(await makePdf('Cong van co ma'));
    doc.catalog.set(PDFName.of('OpenAction'), doc.context.obj({ Type: 'Action', S: 'JavaScript', JS: PDFString.of('app.alert("x")') }));
    const upload = Buffer.from(await doc.save());
    const answer = await http<{ documentId: string; notes: string[] }>(exchange.url('intake', '/documents'), {
      token: exchange.token('hbt.clerk'),
      form: submissionForm({ type: 'CV', subject: 'Về việc có mã', recipients: ['000.31.13.H26'], signer: 'hbt.signer' }, upload),
    });
    expect(answer.status).toBe(202);
    expect(answer.body.notes).toEqual([expect.stringMatching(/^file \(document\.pdf\): removed .*JavaScript/)]);
    const issued = await waitFor('the document to be issued', async () => {
      const view = await http<{ state: string; file: { sha256: string } | null; notes: string[] }>(exchange.url('intake', `/documents/${answer.body.documentId}`), { token: exchange.token('hbt.clerk') });
      return view.body.state === 'issued' ? view.body : undefined;
    }, { timeoutMs: 30_000 });
    expect(issued.notes).toEqual(answer.body.notes);
    // The issued file was signed over the rewritten one: no JavaScript anywhere in it.
    const stored = await http(exchange.url('intake', `/files/${issued.file!.sha256}`), { token: exchange.token('hbt.clerk') });
    expect(stored.status).toBe(200);
    expect(createHash('sha256').update(stored.bytes).digest('hex')).toBe(issued.file!.sha256);
    expect(await openActionOf(upload)).toBe('JavaScript');
    expect(await openActionOf(stored.bytes)).toBeUndefined();
    await expect(qpdfCheck(stored.bytes)).resolves.toContain('No syntax or stream encoding errors');
    await waitFor('the staging folder to be empty', () => filesUnder(join(exchange.dataFolder, 'tmp', 'uploads')).length === 0, { timeoutMs: 5_000 });
  });

  it('removes the rewritten copy of a file when a later file of the same submission is refused', async () => {
    const doc = await PDFDocument.load(await makePdf('Cong van co ma'));
    doc.catalog.set(PDFName.of('OpenAction'), doc.context.obj({ Type: 'Action', S: 'JavaScript', JS: PDFString.of('app.alert("y")') }));
    const dir = mkdtempSync(join(tmpdir(), 'edoc-strip-'));
    writeFileSync(join(dir, 'plain.pdf'), await makePdf('Phu luc'));
    execFileSync('qpdf', ['--encrypt', 'user', 'owner', '256', '--', join(dir, 'plain.pdf'), join(dir, 'encrypted.pdf')]);
    const encrypted = readFileSync(join(dir, 'encrypted.pdf'));
    rmSync(dir, { recursive: true, force: true });
    // The main file is inspected first and rewritten; the encrypted attachment is then refused.
    const answer = await http<{ message: string[] }>(exchange.url('intake', '/documents'), {
      token: exchange.token('hbt.clerk'),
      form: submissionForm({ type: 'CV', subject: 'Về việc có phụ lục mã hóa', recipients: ['000.31.13.H26'], signer: 'hbt.signer' }, Buffer.from(await doc.save()), [encrypted]),
    });
    expect(answer.status).toBe(422);
    expect(answer.body.message.join('\n')).toMatch(/^attachments\[0\] .*the PDF is encrypted/);
    await waitFor('the staging folder to be empty', () => filesUnder(join(exchange.dataFolder, 'tmp', 'uploads')).length === 0, { timeoutMs: 5_000 });
  });
});
