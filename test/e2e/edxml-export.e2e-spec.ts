import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EDXML_NS, readPackage } from '@edoc/edxml';
import { waitFor } from '@edoc/testing';
import { TestExchange } from '../support/test-exchange';
import { http, submissionForm } from '../support/http';
import { makePdf } from '../support/pdf-fixtures';

const DISTRICT = '000.00.13.H26';
const OFFICE = '000.01.13.H26';
const BACH_DANG = '000.31.13.H26';

interface DocumentView {
  state: string;
  numberNotation: string | null;
  issuedDate: string | null;
  edxmlDocumentId: string | null;
  file: { sha256: string; size: number } | null;
  attachments: { sha256: string; size: number; fileName: string }[];
}

describe('edXML export of an issued document', () => {
  let exchange: TestExchange;
  let work: string;
  let documentId: string;
  let issued: DocumentView;
  const pki = (...path: string[]) => join(exchange.dataFolder, 'pki', ...path);
  const subject = 'Về việc <triển khai> "một cửa" & dịch vụ công trực tuyến'.normalize('NFD');

  const edoc = (...args: string[]) => exchange.cliOutcome(args);

  const exportAs = (user: string, id: string, output: string) =>
    edoc('edxml', 'export', id, '-o', output, '--key', join(exchange.dataFolder, 'secrets', 'signing', 'keys', 'orgs', `${DISTRICT}.key.pem`), '--cert', pki('orgs', `${DISTRICT}.cert.pem`), '--as', user, '--url', exchange.url('intake', ''));

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'edoc-edxml-e2e-'));
    exchange = await TestExchange.start();
    const answer = await http<{ documentId: string }>(exchange.url('intake', '/documents'), {
      token: exchange.token('hbt.clerk'),
      form: submissionForm(
        { type: 'KH', subject, recipients: [OFFICE, BACH_DANG], toPlaces: ['Lưu: VT'], urgency: 'khẩn', dueDate: '2099-12-31', steeringType: 1, signer: 'hbt.signer', draftingUnit: 'VP' },
        await makePdf('Ke hoach', 2),
        [await makePdf('Phu luc', 1)],
      ),
    });
    expect({ status: answer.status, body: answer.status === 202 ? 'accepted' : answer.body }).toEqual({ status: 202, body: 'accepted' });
    documentId = answer.body.documentId;
    issued = await waitFor('the document to be issued', async () => {
      const view = await http<DocumentView>(exchange.url('intake', `/documents/${documentId}`), { token: exchange.token('hbt.clerk') });
      return view.body.state === 'issued' ? view.body : undefined;
    }, { timeoutMs: 60_000 });
  }, 180_000);

  afterAll(async () => {
    await exchange?.stop();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('writes a signed package with every field, that edoc reads back equal and xmlsec1 verifies', async () => {
    const output = join(work, 'document.edxml');
    const exported = await exportAs('hbt.clerk', documentId, output);
    expect({ code: exported.code, stderr: exported.stderr }).toEqual({ code: 0, stderr: '' });
    expect(exported.stdout).toMatch(/^wrote .*document\.edxml \(\d+ bytes\), signed by .*000\.00\.13\.H26/);

    const read = readPackage(readFileSync(output), { trusted: [new X509Certificate(readFileSync(pki('root-ca.cert.pem')))], intermediates: [new X509Certificate(readFileSync(pki('issuing-ca.cert.pem')))] });
    if (!read.ok) throw new Error(read.reasons.join('\n'));
    const [number, notation] = issued.numberNotation!.split('/');
    expect(read.pkg.header).toMatchObject({
      from: expect.objectContaining({ organId: DISTRICT, organName: 'Ủy ban nhân dân quận Hai Bà Trưng' }),
      to: [expect.objectContaining({ organId: OFFICE }), expect.objectContaining({ organId: BACH_DANG, organizationInCharge: 'Ủy ban nhân dân quận Hai Bà Trưng' })],
      documentId: issued.edxmlDocumentId,
      codeNumber: number,
      codeNotation: notation,
      promulgationDate: issued.issuedDate,
      documentType: 10,
      documentTypeName: 'Kế hoạch',
      subject: subject.normalize('NFC'),
      dueDate: '2099-12-31',
      priority: 1,
      steeringType: 1,
      typerNotation: 'VP',
      responseFor: [],
      signerFullName: expect.stringMatching(/\S/),
    });
    expect(read.pkg.header.toPlaces).toContain('Lưu: VT');
    expect(read.pkg.business).toMatchObject({ docType: 0, documentId: '' });
    // Byte-exact: the issued (sealed, time-stamped) PDF and its attachment, by their SHA-256.
    const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    expect(read.pkg.attachments.map((a) => sha256(a.bytes))).toEqual([issued.file!.sha256, ...issued.attachments.map((a) => a.sha256)]);

    const checked = await edoc('edxml', 'check', output, '--trust', pki('root-ca.cert.pem'), '--ca', pki('issuing-ca.cert.pem'));
    expect({ code: checked.code, stderr: checked.stderr }).toEqual({ code: 0, stderr: '' });
    expect(checked.stdout).toContain(`VALID: ${issued.edxmlDocumentId} from ${DISTRICT} to ${OFFICE}, ${BACH_DANG}`);

    execFileSync('xmlsec1', ['--verify', '--trusted-pem', pki('root-ca.cert.pem'), '--untrusted-pem', pki('issuing-ca.cert.pem'), '--id-attr:Id', `${EDXML_NS}:edXMLEnvelope`, '--id-attr:Id', `${EDXML_NS}:Attachment`, output], { stdio: ['ignore', 'pipe', 'pipe'] });
  });

  it('check refuses a package changed after signing, with the reason and exit code 1', async () => {
    const original = readFileSync(join(work, 'document.edxml'), 'utf8');
    const forged = join(work, 'forged.edxml');
    writeFileSync(forged, original.replace('<edXML:Priority>1<', '<edXML:Priority>3<'));
    const checked = await edoc('edxml', 'check', forged, '--trust', pki('root-ca.cert.pem'), '--ca', pki('issuing-ca.cert.pem'));
    expect(checked.code).toBe(1);
    expect(checked.stdout).toMatch(/^REFUSED:\n {2}✗ Signature: does not verify/);
  });

  it('shows a document only to its issuing unit, and writes nothing when refused', async () => {
    const output = join(work, 'stranger.edxml');
    const stranger = await exportAs('bachdang.clerk', documentId, output);
    expect(stranger.code).not.toBe(0);
    expect(stranger.stderr).toContain(`no document ${documentId} issued by ${BACH_DANG}`);
    const notAnId = await http(exchange.url('intake', '/documents/not-a-uuid/edxml'), { token: exchange.token('hbt.clerk') });
    expect(notAnId.status).toBe(404);
    const anonymous = await http(exchange.url('intake', `/documents/${documentId}/edxml`));
    expect(anonymous.status).toBe(401);
    expect(existsSync(output)).toBe(false);
  });
});
