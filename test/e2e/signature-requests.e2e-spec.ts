import { sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { PDFDocument } from 'pdf-lib';
import { createSoftHsmToken, SOFTHSM_MODULE } from '@edoc/testing';
import { TestExchange } from '../support/test-exchange';
import { http, submissionForm } from '../support/http';
import { makePdf } from '../support/pdf-fixtures';
import { documentTimestampVerdicts, pdfsigValidity, qpdfCheck } from '../support/external-validators';
import { extractSignatures, opensslVerify } from '../../libs/pdf-sign/test/helpers/external-tools';

const DISTRICT = '000.00.13.H26';
const BACH_DANG = '000.31.13.H26';

interface RequestView {
  documentId: string;
  state: string;
  subject: string;
  signer: { username: string };
  submittedBy: string;
  overdue: boolean;
  files: { role: string; sha256: string; size: number }[];
  revises: string | null;
  approval: { approvedBy: string; clientAgent: string; keyHolder: string; certificateSha256: string } | null;
  returned: { by: string; comment: string } | null;
}

interface DocumentView {
  state: string;
  numberNotation: string | null;
  file: { sha256: string } | null;
  returned: { by: string; comment: string } | null;
  revises: string | null;
  revisedBy: string | null;
}

/**
 * The signer's act (Decree 30): a submission is not signed, numbered or sent until the signer it
 * names, signed in as that person, approves it; the signer may return it instead, and the clerk
 * then submits a revision. No signer desk runs here: every approval is the test's own.
 */
describe('signature requests: the signer approves or returns', () => {
  let exchange: TestExchange;
  let db: Client;

  beforeAll(async () => {
    // A normal request may wait no time at all here, so that the overdue alert shows at once.
    exchange = await TestExchange.start({ signersAtDesk: false, env: { EDOC_SIGNATURE_WAIT_MINUTES: '0' } });
    db = new Client({ connectionString: exchange.databaseUrl });
    await db.connect();
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await exchange?.stop();
  });

  async function submit(subject: string, extra: Record<string, unknown> = {}): Promise<string> {
    const answer = await http<{ documentId: string; state: string }>(exchange.url('intake', '/documents'), {
      token: exchange.token('hbt.clerk'),
      form: submissionForm({ type: 'CV', subject, recipients: [BACH_DANG], signer: 'hbt.signer', draftingUnit: 'VP', ...extra }, await makePdf(subject), [await makePdf('Phu luc')]),
    });
    expect(answer.status).toBe(202);
    expect(answer.body.state).toBe('awaiting_signature');
    return answer.body.documentId;
  }

  const document = async (documentId: string) => (await http<DocumentView>(exchange.url('intake', `/documents/${documentId}`), { token: exchange.token('hbt.clerk') })).body;
  const request = (documentId: string, user: string) => http<RequestView & { message: string }>(exchange.url('signing', `/sign-requests/${documentId}`), { token: exchange.token(user) });
  const act = (documentId: string, user: string, action: 'approve' | 'return', json: unknown = {}) =>
    http<RequestView & { message: string | string[] }>(exchange.url('signing', `/sign-requests/${documentId}/${action}`), { token: exchange.token(user), json });

  async function waitingFor(documentId: string, signer: string): Promise<RequestView> {
    return exchange.waitFor(`request ${documentId} in ${signer}'s list`, async () => {
      const list = await http<{ items: RequestView[] }>(exchange.url('signing', '/sign-requests'), { token: exchange.token(signer) });
      return list.body.items.find((item) => item.documentId === documentId);
    }, { timeoutMs: 30_000 });
  }

  it('holds a submission until its signer approves it; the approval is evidence, the signed output passes pdfsig and qpdf', async () => {
    const documentId = await submit('Về việc chờ người ký duyệt');
    const waiting = await waitingFor(documentId, 'hbt.signer');
    expect(waiting).toMatchObject({ state: 'awaiting_signature', submittedBy: 'hbt.clerk', signer: { username: 'hbt.signer' }, overdue: true, revises: null });
    expect(waiting.files.map((f) => f.role)).toEqual(['document', 'attachment']);
    // The signer reads the draft and its attachment before deciding.
    for (const file of waiting.files) {
      const read = await http(exchange.url('intake', `/files/${file.sha256}`), { token: exchange.token('hbt.signer') });
      expect([read.status, read.bytes.length]).toEqual([200, file.size]);
    }
    // Nothing is numbered while the request waits.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await document(documentId)).toMatchObject({ state: 'awaiting_signature', numberNotation: null, file: null });
    const overdue = await fetch(exchange.url('signing', '/metrics'), { headers: { authorization: `Bearer ${exchange.token('admin')}` } }).then((r) => r.text());
    expect(overdue).toMatch(/edoc_signature_requests_overdue\{urgency="normal",service="signing"\} [1-9]/);

    const approved = await http<RequestView>(exchange.url('signing', `/sign-requests/${documentId}/approve`), { token: exchange.token('hbt.signer'), json: {}, headers: { 'user-agent': 'signer-browser/1.0' } });
    expect(approved.status).toBe(202);
    expect(approved.body).toMatchObject({ state: 'approved', approval: { approvedBy: 'hbt.signer', clientAgent: 'signer-browser/1.0', keyHolder: 'key-store' } });
    expect(approved.body.approval?.certificateSha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await act(documentId, 'hbt.signer', 'approve')).status).toBe(409);

    const issued = await exchange.waitFor('the approved document issued', async () => {
      const doc = await document(documentId);
      return doc.state === 'issued' ? doc : undefined;
    }, { timeoutMs: 30_000 });
    expect(issued.numberNotation).toMatch(/^\d+\/UBND-VP$/);
    const pdf = await http(exchange.url('intake', `/files/${issued.file!.sha256}`), { token: exchange.token('hbt.clerk') });
    expect(await pdfsigValidity(pdf.bytes)).toEqual(['Signature is Valid.', 'Signature is Valid.']);
    await qpdfCheck(pdf.bytes);

    const evidence = await exchange.waitFor('the approval in the audit chain', async () => {
      const { rows } = await db.query<{ summary: string }>(`SELECT body::json->>'summary' AS summary FROM archival.audit_entries WHERE document_id = $1 AND event_type = 'signature.approved'`, [documentId]);
      return rows[0]?.summary;
    }, { timeoutMs: 30_000 });
    expect(evidence).toContain('approved for signature by hbt.signer');
    expect(evidence).toContain(approved.body.approval!.certificateSha256);
  });

  it('refuses an approval by a clerk, an administrator, another signer of the unit and another unit\'s signer; the request still waits', async () => {
    const documentId = await submit('Về việc chỉ người ký được duyệt');
    await waitingFor(documentId, 'hbt.signer');
    const deputy = await http(exchange.url('identity', '/users'), {
      token: exchange.token('admin'),
      json: { username: 'hbt.deputy', displayName: 'Trần Văn Phó', orgCode: DISTRICT, roles: ['signer'], signer: { position: 'PHÓ CHỦ TỊCH' }, password: 'Phó-chủ-tịch-ký-thay-2026' },
    });
    expect(deputy.status).toBe(201);
    const deputyToken = (await exchange.signIn('hbt.deputy', 'Phó-chủ-tịch-ký-thay-2026')).accessToken;

    expect((await act(documentId, 'hbt.clerk', 'approve')).status).toBe(403);
    expect((await act(documentId, 'admin', 'approve')).status).toBe(403);
    const otherUnit = await act(documentId, 'bachdang.signer', 'approve');
    expect([otherUnit.status, otherUnit.body.message]).toEqual([404, `no signature request ${documentId} in ${BACH_DANG}`]);
    expect((await request(documentId, 'bachdang.signer')).status).toBe(404);
    const sameUnit = await http<{ message: string }>(exchange.url('signing', `/sign-requests/${documentId}/approve`), { token: deputyToken, json: {} });
    expect([sameUnit.status, sameUnit.body.message]).toEqual([403, 'the request names hbt.signer as its signer; hbt.deputy cannot approve or return it']);
    const deputyReturn = await http(exchange.url('signing', `/sign-requests/${documentId}/return`), { token: deputyToken, json: { comment: 'Tôi không phải người ký' } });
    expect(deputyReturn.status).toBe(403);

    expect((await request(documentId, 'hbt.clerk')).body).toMatchObject({ state: 'awaiting_signature', approval: null, returned: null });
    expect((await document(documentId)).state).toBe('awaiting_signature');
  });

  it('returns a request to its clerk with a comment; the revision links to it and is issued once approved, from the CLI', async () => {
    const documentId = await submit('Về việc cần sửa lại câu chữ');
    await waitingFor(documentId, 'hbt.signer');
    const noComment = await act(documentId, 'hbt.signer', 'return', { comment: '   ' });
    expect(noComment.status).toBe(422);
    const returned = await act(documentId, 'hbt.signer', 'return', { comment: 'Sửa đoạn 2: ghi rõ thời hạn báo cáo.' });
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({ state: 'returned', returned: { by: 'hbt.signer', comment: 'Sửa đoạn 2: ghi rõ thời hạn báo cáo.' } });
    expect((await act(documentId, 'hbt.signer', 'approve')).status).toBe(409);
    const seen = await exchange.waitFor('the clerk to see the return', async () => {
      const doc = await document(documentId);
      return doc.state === 'returned' ? doc : undefined;
    }, { timeoutMs: 30_000 });
    expect(seen.returned).toMatchObject({ by: 'hbt.signer', comment: 'Sửa đoạn 2: ghi rõ thời hạn báo cáo.' });

    const revision = await submit('Về việc cần sửa lại câu chữ (đã sửa)', { revises: documentId });
    const second = await http<{ message: string[] }>(exchange.url('intake', '/documents'), {
      token: exchange.token('hbt.clerk'),
      form: submissionForm({ type: 'CV', subject: 'Bản sửa thứ hai', recipients: [BACH_DANG], signer: 'hbt.signer', revises: documentId }, await makePdf('Ban sua 2')),
    });
    expect([second.status, second.body.message]).toEqual([422, [`revises: document ${documentId} already has a revision, ${revision}`]]);
    const notReturned = await http<{ message: string[] }>(exchange.url('intake', '/documents'), {
      token: exchange.token('hbt.clerk'),
      form: submissionForm({ type: 'CV', subject: 'Sửa một văn bản chưa bị trả lại', recipients: [BACH_DANG], signer: 'hbt.signer', revises: revision }, await makePdf('Ban sua 3')),
    });
    expect([notReturned.status, notReturned.body.message]).toEqual([422, [`revises: document ${revision} is awaiting signature; only a document its signer returned is revised`]]);
    expect((await document(documentId)).revisedBy).toBe(revision);

    expect((await waitingFor(revision, 'hbt.signer')).revises).toBe(documentId);
    const cliEnv = { EDOC_SIGNING_URL: exchange.url('signing'), EDOC_URL: exchange.url('intake') };
    const listed = await exchange.cli(['sign-requests', 'list', '--as', 'hbt.signer'], cliEnv);
    expect(listed.stdout).toContain(revision);
    const approved = await exchange.cli(['sign-requests', 'approve', revision, '--as', 'hbt.signer'], cliEnv);
    expect(approved.stdout).toContain(`approved ${revision}`);
    const issued = await exchange.waitFor('the revision issued', async () => {
      const doc = await document(revision);
      return doc.state === 'issued' ? doc : undefined;
    }, { timeoutMs: 30_000 });
    expect(issued.revises).toBe(documentId);
    expect((await document(documentId)).state).toBe('returned');
  });

  it("signs with the signer's own token (PKCS#11, two phases): a stranger's token and a signature by another key are refused", async () => {
    const documentId = await submit('Về việc ký bằng thiết bị của người ký');
    await waitingFor(documentId, 'hbt.signer');
    const keys = join(exchange.dataFolder, 'secrets', 'signing', 'keys');
    const own = createSoftHsmToken('hbt-signer-usb');
    const stranger = createSoftHsmToken('tp-signer-usb');
    try {
      own.importKey(readFileSync(join(keys, 'people', 'hbt.signer.key.pem'), 'utf8'), 'chu-ky', '01');
      stranger.importKey(readFileSync(join(keys, 'people', 'tp.signer.key.pem'), 'utf8'), 'chu-ky', '01');
      const cli = (token: string) =>
        exchange
          .cli(['sign-requests', 'approve', documentId, '--pkcs11-module', SOFTHSM_MODULE, '--token-label', token, '--pin-env', 'TOKEN_PIN', '--as', 'hbt.signer', '--json'], { EDOC_SIGNING_URL: exchange.url('signing'), TOKEN_PIN: own.pin })
          .then(({ stdout }) => ({ ok: true, out: stdout }), (error: { stderr: string }) => ({ ok: false, out: error.stderr }));

      const refused = await cli(stranger.label);
      expect(refused.ok).toBe(false);
      expect(refused.out).toContain('this token holds no key of the signer named in the request');
      // A client that signs the prepared attributes with another key is refused by edoc itself.
      const prepared = await http<{ signedAttributes: string; certificate: string }>(exchange.url('signing', `/sign-requests/${documentId}/prepare`), { token: exchange.token('hbt.signer'), json: {} });
      expect(prepared.status).toBe(200);
      const forged = sign('sha256', Buffer.from(prepared.body.signedAttributes, 'base64'), readFileSync(join(keys, 'people', 'tp.signer.key.pem'), 'utf8'));
      const complete = await http<{ message: string[] }>(exchange.url('signing', `/sign-requests/${documentId}/complete`), { token: exchange.token('hbt.signer'), json: { signature: forged.toString('base64') } });
      expect([complete.status, complete.body.message]).toEqual([422, ['signature: it does not verify with the certificate of hbt.signer; the token\'s key is not theirs, or it signed something else. Nothing was signed.']]);
      expect((await request(documentId, 'hbt.signer')).body.state).toBe('awaiting_signature');

      const approved = await cli(own.label);
      expect(approved).toMatchObject({ ok: true });
      expect(JSON.parse(approved.out)).toMatchObject({ state: 'person_signed', approval: { approvedBy: 'hbt.signer', keyHolder: 'token', secondFactor: 'token-pin' } });
    } finally {
      own.remove();
      stranger.remove();
    }
    const issued = await exchange.waitFor('the document signed on the token issued', async () => {
      const doc = await document(documentId);
      return doc.state === 'issued' ? doc : undefined;
    }, { timeoutMs: 30_000 });
    const pdf = (await http(exchange.url('intake', `/files/${issued.file!.sha256}`), { token: exchange.token('hbt.clerk') })).bytes;
    expect(await pdfsigValidity(pdf)).toEqual(['Signature is Valid.', 'Signature is Valid.']);
    await qpdfCheck(pdf);
    const root = readFileSync(join(exchange.dataFolder, 'pki', 'root-ca.cert.pem'), 'utf8');
    const signatures = extractSignatures(pdf);
    expect(signatures.map((signature) => signature.subFilter)).toEqual(['ETSI.CAdES.detached', 'ETSI.CAdES.detached', 'ETSI.RFC3161']);
    for (const signature of signatures.slice(0, 2)) expect(opensslVerify(pdf, signature, root).output).toContain('Verification successful');
    const issuingCa = readFileSync(join(exchange.dataFolder, 'pki', 'issuing-ca.cert.pem'), 'utf8');
    expect(await documentTimestampVerdicts(pdf, root, issuingCa)).toEqual(['Verification: OK']);
  });

  it('lets the signer choose the place when the document prints no signature block, never over text or off the page', async () => {
    // makePdf prints one line at (72, 760) and no signature block.
    const documentId = await submit('Về việc chọn chỗ ký');
    await waitingFor(documentId, 'hbt.signer');
    const place = (placement: unknown) => act(documentId, 'hbt.signer', 'approve', { placement });
    const overText = await place({ page: 1, x: 60, y: 740, width: 200, height: 72 });
    expect([overText.status, overText.body.message]).toEqual([422, [expect.stringMatching(/^placement: the box covers text of the page \("Ve viec chon cho ky/)]]);
    expect((await place({ page: 3, x: 300, y: 100, width: 200, height: 72 })).body.message).toEqual(['placement.page: the document has 1 page']);
    expect((await place({ page: 1, x: 500, y: 100, width: 200, height: 72 })).body.message).toEqual([expect.stringMatching(/^placement: the box ends outside the page/)]);
    expect((await place({ page: 1, x: 'left' })).status).toBe(422);
    expect((await request(documentId, 'hbt.signer')).body.state).toBe('awaiting_signature');

    expect((await place({ page: 1, x: 320, y: 400, width: 210, height: 80 })).status).toBe(202);
    const issued = await exchange.waitFor('the document issued', async () => {
      const doc = await document(documentId);
      return doc.state === 'issued' ? doc : undefined;
    }, { timeoutMs: 30_000 });
    const pdf = (await http(exchange.url('intake', `/files/${issued.file!.sha256}`), { token: exchange.token('hbt.clerk') })).bytes;
    const form = (await PDFDocument.load(pdf, { updateMetadata: false })).getForm();
    const rect = form.getField('NguoiKy').acroField.getWidgets()[0].getRectangle();
    expect([rect.x, rect.y, rect.width, rect.height].map(Math.round)).toEqual([320, 400, 210, 80]);
    expect(await pdfsigValidity(pdf)).toEqual(['Signature is Valid.', 'Signature is Valid.']);
  });
});
