import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as amqp from 'amqplib';
import { Client } from 'pg';
import { create, DeliverySchema, fromBinary, StatusCode, StatusReportSchema, timestampFromDate, toBinary } from '@edoc/contracts';
import { waitFor } from '@edoc/testing';
import { TestExchange } from '../support/test-exchange';
import { http, submissionForm } from '../support/http';
import { makePdf } from '../support/pdf-fixtures';
import { documentTimestampVerdicts, opensslOcspVerdict, pdfsigValidity, qpdfCheck } from '../support/external-validators';
import { validationDataOf, verifyPdf } from '@edoc/pdf-sign';
import { buildOcspRequest, certIdOf, parseCertificatePem, parseOcspResponse } from '@edoc/pki';

const DISTRICT = '000.00.13.H26';
const OFFICE = '000.01.13.H26'; // Văn phòng HĐND và UBND: built-in inbox
const BACH_DANG = '000.31.13.H26'; // built-in inbox
const BACH_KHOA = '000.32.13.H26'; // runs its own ward system on inbox.<code>

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface DocumentView {
  state: string;
  numberNotation: string | null;
  file: { sha256: string; size: number } | null;
  attachments: { sha256: string }[];
  deliveries: { deliveryId: string; recipientCode: string; channel: string; status: string | null; history: { status: string }[] }[];
}

interface InboxView {
  items: { deliveryId: string; documentId: string; arrivalNumber: number; status: string | null; numberNotation: string; file: { sha256: string } }[];
}

describe('one document from a district clerk to a department and two wards', () => {
  let exchange: TestExchange;
  let db: Client;
  let documentId: string;
  let issued: DocumentView;
  const original = makePdf('Công văn về việc tổng vệ sinh môi trường', 3);
  const attachment = makePdf('Phụ lục: danh sách tuyến phố', 1);

  beforeAll(async () => {
    exchange = await TestExchange.start({ s3: true });
    db = new Client({ connectionString: exchange.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await exchange?.stop();
  });

  it('refuses requests without a valid token (401) and with the wrong role (403)', async () => {
    expect((await http(exchange.url('intake', '/inbox'))).status).toBe(401);
    expect((await http(exchange.url('intake', '/inbox'), { token: 'not.a.token' })).status).toBe(401);
    expect((await http(exchange.url('metrics', '/coverage'))).status).toBe(401);
    const wardSystem = await http<{ message: string }>(exchange.url('intake', '/documents'), { token: exchange.token('bachkhoa.system'), form: submissionForm({}, await original) });
    expect(wardSystem.status).toBe(403);
    const clerkOnDashboard = await http(exchange.url('metrics', '/coverage'), { token: exchange.token('hbt.clerk') });
    expect(clerkOnDashboard.status).toBe(403);
  });

  it('accepts the submission and issues it with both signatures and number 01', async () => {
    const answer = await http<{ documentId: string; recipients: string[] }>(exchange.url('intake', '/documents'), {
      token: exchange.token('hbt.clerk'),
      form: submissionForm(
        { type: 'CV', subject: 'Về việc tổng vệ sinh môi trường', recipients: [OFFICE, BACH_DANG, BACH_KHOA], signer: 'hbt.signer', draftingUnit: 'VP', urgency: 'khẩn' },
        await original,
        [await attachment],
      ),
    });
    expect(answer.status).toBe(202);
    expect(answer.body.recipients).toEqual([OFFICE, BACH_DANG, BACH_KHOA]);
    documentId = answer.body.documentId;

    issued = await waitFor('the document to be issued', async () => {
      const view = await http<DocumentView>(exchange.url('intake', `/documents/${documentId}`), { token: exchange.token('hbt.clerk') });
      return view.body.state === 'issued' && view.body.deliveries.length === 3 ? view.body : undefined;
    }, { timeoutMs: 30_000 });
    expect(issued.numberNotation).toBe('01/UBND-VP');
    expect(issued.attachments).toHaveLength(1);

    const { rows } = await db.query(`SELECT number, number_notation, medium, book FROM intake.register_entries WHERE org_code = $1 AND document_id = $2`, [DISTRICT, documentId]);
    expect(rows).toEqual([{ number: 1, number_notation: '01/UBND-VP', medium: 'electronic', book: 'outgoing' }]);
  });

  it('gives a built-in inbox unit the issued file with arrival number 1 and status 01, both signatures valid', async () => {
    const inbox = await waitFor('the arrival in Bạch Đằng', async () => {
      const view = await http<InboxView>(exchange.url('intake', '/inbox'), { token: exchange.token('bachdang.clerk') });
      return view.body.items.find((item) => item.documentId === documentId);
    });
    expect(inbox).toMatchObject({ arrivalNumber: 1, status: '01', numberNotation: '01/UBND-VP' });
    expect(inbox.file.sha256).toBe(issued.file!.sha256);

    const download = await http(exchange.url('intake', `/files/${inbox.file.sha256}`), { token: exchange.token('bachdang.clerk') });
    expect(download.status).toBe(200);
    expect(sha256(download.bytes)).toBe(issued.file!.sha256);
    expect(await pdfsigValidity(download.bytes)).toEqual(['Signature is Valid.', 'Signature is Valid.']);
    await expect(qpdfCheck(download.bytes)).resolves.toContain('No syntax or stream encoding errors');

    // PAdES B-LTA: the validation data travels in the file, and a document time-stamp covers it all.
    const pki = (name: string) => readFileSync(join(exchange.dataFolder, 'pki', name), 'utf8');
    expect(await documentTimestampVerdicts(download.bytes, pki('root-ca.cert.pem'), pki('issuing-ca.cert.pem'))).toEqual(['Verification: OK']);
    const offline = verifyPdf(download.bytes, { anchorsPem: [pki('root-ca.cert.pem')], requireRevocation: true });
    expect(offline.signatures.map((signature) => [signature.kind, signature.indication])).toEqual([
      ['signature', 'TOTAL_PASSED'],
      ['signature', 'TOTAL_PASSED'],
      ['document-timestamp', 'TOTAL_PASSED'],
    ]);
    // The seal locks the issued document: after it, only signatures, validation data and time-stamps.
    expect(offline.signatures[1]?.checks.find((check) => check.name === 'later-revisions')?.detail).toContain('within its FieldMDP lock P=2');

    // B-LT with OCSP: the issuing CA's responder vouches for both signers inside the file, in one
    // answer, and openssl agrees about each.
    const carried = validationDataOf(download.bytes).ocspResponses;
    expect(carried).toHaveLength(1);
    const chain = `${pki('root-ca.cert.pem')}${pki('issuing-ca.cert.pem')}`;
    const signers = [pki(`orgs/${DISTRICT}.cert.pem`), pki('people/hbt.signer.cert.pem')];
    for (const signer of signers) {
      const verdict = await opensslOcspVerdict({ response: carried[0]! }, signer, pki('issuing-ca.cert.pem'), chain);
      expect(verdict).toContain('Response verify OK');
      expect(verdict).toContain('cert: good');
    }
    // And the responder answers relying parties over HTTP, at the address the certificates name.
    expect(parseCertificatePem(signers[0]!).ocspUrls).toEqual([exchange.url('signing', '/pki/ocsp')]);
    const live = await opensslOcspVerdict({ url: exchange.url('signing', '/pki/ocsp') }, signers[0]!, pki('issuing-ca.cert.pem'), chain);
    expect(live).toContain('Response verify OK');
    expect(live).toContain('cert: good');
    // The GET form (RFC 6960 A.1) answers the same, and a path that is no request gets malformedRequest, not an error.
    const byGet = await fetch(exchange.url('signing', `/pki/ocsp/${encodeURIComponent(buildOcspRequest([certIdOf(parseCertificatePem(signers[0]!), parseCertificatePem(pki('issuing-ca.cert.pem')))]).toString('base64'))}`));
    expect(parseOcspResponse(Buffer.from(await byGet.arrayBuffer())).basic?.responses[0]?.status).toEqual({ kind: 'good' });
    const garbage = await fetch(exchange.url('signing', '/pki/ocsp/%25zz'));
    expect([garbage.status, parseOcspResponse(Buffer.from(await garbage.arrayBuffer())).status]).toEqual([200, 'malformedRequest']);

    const { rows } = await db.query(`SELECT org_code, number, medium FROM intake.register_entries WHERE book = 'incoming' AND document_id = $1 ORDER BY org_code`, [documentId]);
    expect(rows).toEqual([
      { org_code: OFFICE, number: 1, medium: 'electronic' },
      { org_code: BACH_DANG, number: 1, medium: 'electronic' },
    ]);
  });

  it("puts the delivery in a ward system's own queue; the ward fetches the issued bytes and reports 01", async () => {
    const ward = exchange.wardCredential(BACH_KHOA);
    const connection = await amqp.connect(exchange.wardAmqpUrl(BACH_KHOA));
    try {
      const channel = await connection.createConfirmChannel();
      // The document is KHẨN: it travels on the urgent twin of the ward's queue.
      expect(await channel.get(ward.queue)).toBe(false);
      const message = await waitFor('a delivery in the urgent ward queue', async () => (await channel.get(`${ward.queue}.urgent`, { noAck: false })) || undefined);
      expect(message.properties.type).toBe('edoc.v1.Delivery');
      const delivery = fromBinary(DeliverySchema, message.content);
      expect(delivery).toMatchObject({ documentId, recipientCode: BACH_KHOA, senderCode: DISTRICT });
      expect(delivery.metadata?.edxmlDocumentId).toMatch(/^000\.00\.13\.H26,\d{4}\/\d{2}\/\d{2},01\/UBND-VP$/);
      expect(delivery.file?.sha256).toBe(issued.file!.sha256);

      const file = await http(exchange.url('intake', `${delivery.downloadPath}/${delivery.file!.sha256}`), { token: exchange.token('bachkhoa.system') });
      expect(file.status).toBe(200);
      expect(sha256(file.bytes)).toBe(delivery.file!.sha256);
      expect(file.bytes.length).toBe(Number(delivery.file!.size));

      const report = create(StatusReportSchema, { deliveryId: delivery.deliveryId, documentId, fromCode: BACH_KHOA, status: StatusCode.ARRIVED, reportedAt: timestampFromDate(new Date()) });
      channel.publish('edoc.status', BACH_KHOA, Buffer.from(toBinary(StatusReportSchema, report)), {
        persistent: true, messageId: `ward-${delivery.deliveryId}-01`, type: StatusReportSchema.typeName, contentType: 'application/x-protobuf', userId: ward.username,
      });
      await channel.waitForConfirms();
      channel.ack(message);
      await channel.close();
    } finally {
      await connection.close();
    }
  });

  it("shows the sender each recipient's status", async () => {
    const view = await waitFor('every recipient at 01', async () => {
      const answer = await http<DocumentView>(exchange.url('intake', `/documents/${documentId}`), { token: exchange.token('hbt.clerk') });
      return answer.body.deliveries.every((d) => d.status === '01') ? answer.body : undefined;
    });
    expect(view.deliveries.map((d) => [d.recipientCode, d.channel, d.status])).toEqual([
      [OFFICE, 'builtin', '01'],
      [BACH_DANG, 'builtin', '01'],
      [BACH_KHOA, 'queue', '01'],
    ]);
  });

  it("stamps a user's data over HTTP (RFC 3161), answering with the exact media type, and openssl verifies the token", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edoc-tsa-'));
    try {
      writeFileSync(join(dir, 'data.txt'), 'Biên bản họp giao ban');
      execFileSync('openssl', ['ts', '-query', '-data', join(dir, 'data.txt'), '-sha256', '-cert', '-out', join(dir, 'request.tsq')]);
      const query = readFileSync(join(dir, 'request.tsq'));
      const anonymous = await fetch(exchange.url('signing', '/tsa'), { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: query });
      expect(anonymous.status).toBe(401);
      const answer = await fetch(exchange.url('signing', '/tsa'), { method: 'POST', headers: { 'content-type': 'application/timestamp-query', authorization: `Bearer ${exchange.token('hbt.clerk')}` }, body: query });
      expect([answer.status, answer.headers.get('content-type')]).toEqual([200, 'application/timestamp-reply']);
      writeFileSync(join(dir, 'reply.tsr'), Buffer.from(await answer.arrayBuffer()));
      const pki = (name: string) => join(exchange.dataFolder, 'pki', name);
      writeFileSync(join(dir, 'chain.pem'), `${readFileSync(pki('root-ca.cert.pem'), 'utf8')}${readFileSync(pki('issuing-ca.cert.pem'), 'utf8')}`);
      const verdict = execFileSync('openssl', ['ts', '-verify', '-data', join(dir, 'data.txt'), '-in', join(dir, 'reply.tsr'), '-CAfile', join(dir, 'chain.pem')], { encoding: 'utf8' });
      expect(verdict.trim()).toBe('Verification: OK');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not let another unit read the document or download its file', async () => {
    const other = await http(exchange.url('intake', `/documents/${documentId}`), { token: exchange.token('tp.clerk') });
    expect(other.status).toBe(404);
    const file = await http<{ message: string }>(exchange.url('intake', `/files/${issued.file!.sha256}`), { token: exchange.token('tp.clerk') });
    expect(file.status).toBe(403);
    expect(file.body.message).toContain('neither issued nor received');
  });

  it('archives the issued document and counts it in the metrics', async () => {
    const archived = await waitFor('the archive record', async () => {
      const { rows } = await db.query(`SELECT objects, retention_class FROM archival.records WHERE document_id = $1`, [documentId]);
      return rows[0] as { objects: { sha256: string; role: string }[]; retention_class: string } | undefined;
    });
    expect(archived.retention_class).toBe('10-years');
    expect(archived.objects.find((o) => o.role === 'document')?.sha256).toBe(issued.file!.sha256);

    const coverage = await waitFor('metrics for the district', async () => {
      const answer = await http<{ units: { orgCode: string; electronic: number; paper: number }[] }>(exchange.url('metrics', '/coverage'), { token: exchange.token('admin') });
      const units = answer.body.units.filter((u) => u.electronic > 0);
      return units.length === 3 ? answer.body : undefined;
    }, { intervalMs: 250 });
    const electronic = Object.fromEntries(coverage.units.filter((u) => u.electronic > 0).map((u) => [u.orgCode, u.electronic]));
    expect(electronic).toEqual({ [DISTRICT]: 1, [OFFICE]: 1, [BACH_DANG]: 1 });
  });
});
