import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { issuePersonCertificate, issueTimestampingCertificate, loadSigningIdentity, parseCertificatePem } from '@edoc/pki';
import { signPdf, verifyPdf } from '@edoc/pdf-sign';
import { waitFor } from '@edoc/testing';
import { TestExchange } from '../support/test-exchange';
import { http, submissionForm } from '../support/http';
import { makePdf } from '../support/pdf-fixtures';
import { documentTimestampVerdicts, pdfsigValidity, qpdfCheck } from '../support/external-validators';
import { makeOpensslCa, opensslCrl, type OpensslCa } from '../../libs/pdf-sign/test/helpers/openssl-ca';

const DISTRICT = '000.00.13.H26';
const BACH_DANG = '000.31.13.H26';

interface RecordRow {
  objects: { name: string; sha256: string; role: string; of?: string }[];
  timestamp_horizon: Date | null;
  renewals: number;
  renewal_blocked: string | null;
  renewal_pending: { objects: { name: string; sha256: string; role: string }[] } | null;
}

/**
 * Issue 16: archived documents outlive their time-stamps. The archive time-stamps each document again
 * (validation data and a document time-stamp, a new write-once copy) before its newest time-stamp's
 * TSA certificate expires; when the TSA cannot reach further it says so and counts it.
 */
describe('renewal of archived documents before their time-stamps expire', () => {
  let exchange: TestExchange;
  let db: Client;
  let documentId: string;
  const pki = (name: string) => readFileSync(join(exchange.dataFolder, 'pki', name), 'utf8');
  const issuingCa = () => ({ certificatePem: pki('issuing-ca.cert.pem'), privateKeyPem: readFileSync(join(exchange.dataFolder, 'secrets', 'ca', 'keys', 'issuing-ca.key.pem'), 'utf8') });
  const record = async () => (await db.query<RecordRow>('SELECT objects, timestamp_horizon, renewals, renewal_blocked, renewal_pending FROM archival.records WHERE document_id = $1', [documentId])).rows[0];
  const metric = (name: string, labels = '') => exchange.metric('archival', name, labels);

  /** A province's CA (made by openssl) that the operator trusts, and the CRL distribution point its certificates name. */
  let province: OpensslCa;
  let crlPoint: Server;
  let work: string;

  beforeAll(async () => {
    crlPoint = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(opensslCrl(province)));
    await new Promise<void>((resolve) => crlPoint.listen(0, '127.0.0.1', resolve));
    province = makeOpensslCa({ crlUrl: `http://127.0.0.1:${(crlPoint.address() as AddressInfo).port}/province.crl` });
    work = mkdtempSync(join(tmpdir(), 'edoc-renewal-e2e-'));
    writeFileSync(join(work, 'province-root.pem'), province.rootPem);
    // Every archived document is due at once (its horizon is within a century), and passes come every second.
    exchange = await TestExchange.start({ env: { EDOC_ARCHIVE_RENEW_BEFORE_DAYS: '36500', EDOC_ARCHIVE_RENEWAL_SECONDS: '1', EDOC_TRUSTED_ROOTS: join(work, 'province-root.pem') } });
    db = new Client({ connectionString: exchange.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await exchange?.stop();
    if (crlPoint?.listening) await new Promise((resolve) => crlPoint.close(resolve));
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  /** An attachment signed, without a time-stamp, by someone whose certificate the district's CA issued. */
  const signedAttachment = async () => {
    const person = issuePersonCertificate(issuingCa(), { orgCode: '000.00.13.H26', orgName: 'UBND quận Hai Bà Trưng', fullName: 'Lê Thị Hoa', position: 'Chuyên viên' });
    const identity = loadSigningIdentity({ certificatePem: person.certificatePem, privateKeyPem: person.privateKeyPem, chainPem: [pki('issuing-ca.cert.pem')] });
    return signPdf(await makePdf('Phu luc da ky', 1), { identity, appearance: { kind: 'invisible' } });
  };

  it("keeps when the document's newest time-stamp expires, and says why it cannot renew it with the same TSA", async () => {
    const answer = await http<{ documentId: string }>(exchange.url('intake', '/documents'), {
      token: exchange.token('hbt.clerk'),
      // Two attachments, signed by a person of the district and by one of the province; issuing signs both for the organisation.
      form: submissionForm({ type: 'QĐ', subject: 'Quyết định lưu trữ vĩnh viễn', recipients: [BACH_DANG], signer: 'hbt.signer', draftingUnit: 'VP' }, await makePdf('Quyet dinh luu tru', 1), [
        await signedAttachment(),
        await signPdf(await makePdf('Van ban cua tinh', 1), { identity: loadSigningIdentity({ certificatePem: province.signerCertificatePem, privateKeyPem: province.signerKeyPem }), appearance: { kind: 'invisible' } }),
      ]),
    });
    expect(answer.status).toBe(202);
    documentId = answer.body.documentId;
    const blocked = await waitFor('the renewal to be blocked', async () => {
      const row = await record();
      return row?.renewal_blocked ? row : undefined;
    }, { timeoutMs: 90_000 });
    const tsaExpires = parseCertificatePem(pki('tsa.cert.pem')).notAfter;
    expect(blocked.timestamp_horizon?.toISOString()).toBe(tsaExpires.toISOString());
    expect(blocked.renewals).toBe(0);
    expect(blocked.renewal_blocked).toContain("no later than the current time-stamp's horizon");
    expect(blocked.renewal_blocked).toContain("renew the TSA's certificate");
    // The reason is logged just after the record is marked: the log may be a moment behind the row.
    await waitFor('the reason in archival\'s log', async () => exchange.logOf('archival').includes('cannot be renewed') || undefined, { timeoutMs: 30_000 });
    expect(await metric('edoc_archive_renewals_blocked')).toBe(1);
    expect(await metric('edoc_archive_renewals_total', 'outcome="blocked"')).toBeGreaterThanOrEqual(1);
    expect(await metric('edoc_archive_timestamp_horizon_seconds')).toBeGreaterThan(0);
  });

  it('renews it once the TSA has a certificate that reaches further: a new write-once copy that every validator accepts, made once even when the database first refuses to list it', async () => {
    // The TSA's certificate rolls over, as an operator does it: a new key and certificate from the issuing CA.
    const before = await record();
    const issuing = issuingCa();
    const oldTsa = parseCertificatePem(pki('tsa.cert.pem'));
    const rolled = issueTimestampingCertificate(issuing, { commonName: 'TSA (rolled over)', orgName: 'UBND quận Hai Bà Trưng', notAfter: new Date(oldTsa.notAfter.getTime() + 400 * 86_400_000) });
    await exchange.stopEveryInstance('archival');
    writeFileSync(join(exchange.dataFolder, 'pki', 'tsa.cert.pem'), rolled.certificatePem);
    for (const holder of ['archival', 'signing']) writeFileSync(join(exchange.dataFolder, 'secrets', holder, 'keys', 'tsa.key.pem'), rolled.privateKeyPem, { mode: 0o600 });
    // The database refuses to list the renewed copy, after the copy is written to the write-once store.
    await db.query(`CREATE FUNCTION archival.test_refuse_renewal() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'test: the renewal is refused'; END $$`);
    await db.query(`CREATE TRIGGER test_refuse_renewal BEFORE UPDATE ON archival.records FOR EACH ROW WHEN (NEW.renewals > OLD.renewals) EXECUTE FUNCTION archival.test_refuse_renewal()`);
    await exchange.startEveryInstance('archival');
    const pending = await waitFor('a renewed copy written and not listed', async () => (await record())?.renewal_pending ?? undefined, { timeoutMs: 90_000 });
    await waitFor('two passes that failed to list it', async () => ((await metric('edoc_archive_renewals_total', 'outcome="failed"')) ?? 0) >= 2 || undefined, { timeoutMs: 60_000 });
    await db.query('DROP TRIGGER test_refuse_renewal ON archival.records; DROP FUNCTION archival.test_refuse_renewal()');

    const renewed = await waitFor('the renewal', async () => {
      const row = await record();
      return row?.renewals === 1 ? row : undefined;
    }, { timeoutMs: 90_000 });
    // The document and both attachments (signed, each of them, when the document was issued) are renewed.
    const [copy, attachmentCopy, secondAttachmentCopy] = renewed.objects.slice(-3) as RecordRow['objects'];
    expect(renewed.objects.slice(0, -3)).toEqual(before!.objects);
    expect(secondAttachmentCopy).toMatchObject({ role: 'renewed-attachment', of: before!.objects[2]!.name });
    // The copies the refused pass wrote are the ones listed: no pass time-stamped second ones.
    expect(renewed.objects.slice(-3)).toEqual(pending.objects);
    expect(renewed.renewal_pending).toBeNull();
    const folder = join(exchange.dataFolder, 'storage', 'edoc-archive', dirname(copy!.name));
    expect(readdirSync(folder).filter((file) => file.includes('-renewed-')).sort()).toEqual(renewed.objects.slice(-3).map((object) => object.name.split('/').pop()).sort());
    expect(copy.role).toBe('renewed-document');
    expect(copy.name).toMatch(new RegExp(`^${DISTRICT}/\\d{4}/${documentId}/document-renewed-1-[0-9a-f]{12}\\.pdf$`));
    expect(attachmentCopy).toMatchObject({ role: 'renewed-attachment', of: before!.objects[1]!.name });
    expect(attachmentCopy.name).toMatch(/\/attachment-1-renewed-1-[0-9a-f]{12}\.pdf$/);
    expect(renewed.timestamp_horizon?.toISOString()).toBe(parseCertificatePem(rolled.certificatePem).notAfter.toISOString());

    const download = await http(exchange.url('archival', `/archive/objects?name=${encodeURIComponent(copy.name)}`), { token: exchange.token('admin') });
    expect(download.status).toBe(200);
    expect(createHash('sha256').update(download.bytes).digest('hex')).toBe(copy.sha256);
    const original = await http(exchange.url('archival', `/archive/objects?name=${encodeURIComponent(before!.objects[0]!.name)}`), { token: exchange.token('admin') });
    expect(download.bytes.subarray(0, original.bytes.length).equals(original.bytes)).toBe(true); // an incremental update: the issued bytes are untouched

    // poppler, qpdf and openssl agree: both signatures, and both document time-stamps, old and new.
    expect(await pdfsigValidity(download.bytes)).toEqual(['Signature is Valid.', 'Signature is Valid.']);
    await expect(qpdfCheck(download.bytes)).resolves.toContain('No syntax or stream encoding errors');
    expect(await documentTimestampVerdicts(download.bytes, pki('root-ca.cert.pem'), pki('issuing-ca.cert.pem'))).toEqual(['Verification: OK', 'Verification: OK']);
    const offline = verifyPdf(download.bytes, { anchorsPem: [pki('root-ca.cert.pem')], requireRevocation: true });
    expect(offline.signatures.map((s) => [s.kind, s.indication])).toEqual([
      ['signature', 'TOTAL_PASSED'],
      ['signature', 'TOTAL_PASSED'],
      ['document-timestamp', 'TOTAL_PASSED'],
      ['document-timestamp', 'TOTAL_PASSED'],
    ]);
    expect(offline.signatures[1]?.checks.find((check) => check.name === 'later-revisions')?.detail).toContain('within its FieldMDP lock P=2');

    // The signed attachment: its bytes untouched, its signature now with validation data and a document time-stamp, offline.
    const renewedAttachment = await http(exchange.url('archival', `/archive/objects?name=${encodeURIComponent(attachmentCopy.name)}`), { token: exchange.token('admin') });
    const originalAttachment = await http(exchange.url('archival', `/archive/objects?name=${encodeURIComponent(before!.objects[1]!.name)}`), { token: exchange.token('admin') });
    expect(createHash('sha256').update(renewedAttachment.bytes).digest('hex')).toBe(attachmentCopy.sha256);
    expect(renewedAttachment.bytes.subarray(0, originalAttachment.bytes.length).equals(originalAttachment.bytes)).toBe(true);
    const attachmentOffline = verifyPdf(renewedAttachment.bytes, { anchorsPem: [pki('root-ca.cert.pem')], requireRevocation: true });
    expect(attachmentOffline.signatures.map((s) => s.signer?.commonName ?? s.kind)).toEqual(['Lê Thị Hoa', expect.any(String), 'document-timestamp']);
    expect(attachmentOffline.signatures.map((s) => s.indication)).toEqual(['TOTAL_PASSED', 'TOTAL_PASSED', 'TOTAL_PASSED']);
    expect(await pdfsigValidity(renewedAttachment.bytes)).toEqual(['Signature is Valid.', 'Signature is Valid.']); // poppler lists no document time-stamp; openssl checks it below
    await expect(qpdfCheck(renewedAttachment.bytes)).resolves.toContain('No syntax or stream encoding errors');
    expect(await documentTimestampVerdicts(renewedAttachment.bytes, pki('root-ca.cert.pem'), pki('issuing-ca.cert.pem'))).toEqual(['Verification: OK']);

    // The province's signature: its CA's CRL, fetched from where its certificate points, went into the copy.
    // With the distribution point gone, the copy validates offline on what it carries.
    await new Promise((resolve) => crlPoint.close(resolve));
    const provinceCopy = await http(exchange.url('archival', `/archive/objects?name=${encodeURIComponent(secondAttachmentCopy!.name)}`), { token: exchange.token('admin') });
    const provinceOffline = verifyPdf(provinceCopy.bytes, { anchorsPem: [pki('root-ca.cert.pem'), province.rootPem], requireRevocation: true });
    expect(provinceOffline.signatures.map((s) => [s.signer?.commonName ?? s.kind, s.indication])).toEqual([
      ['Trần Thị Bình', 'TOTAL_PASSED'],
      [expect.any(String), 'TOTAL_PASSED'],
      ['document-timestamp', 'TOTAL_PASSED'],
    ]);
    expect(provinceOffline.signatures[0]?.checks.find((check) => check.name === 'revocation')?.detail).toMatch(/^the signer certificate is not on the CRL of /);

    // The audit chain records the copy, and an export carries it.
    const { rows } = await db.query<{ summary: string }>(`SELECT body::json->>'summary' AS summary FROM archival.audit_entries WHERE document_id = $1 AND event_type = 'document.archived' ORDER BY doc_seq`, [documentId]);
    expect(rows).toHaveLength(2);
    expect(rows[1]!.summary).toContain('renewed the time-stamp');
    expect(rows[1]!.summary).toContain('and 2 signed attachment(s)');
    const issued = (await db.query<{ day: string }>(`SELECT to_char(issued_date, 'YYYY-MM-DD') AS day FROM archival.records WHERE document_id = $1`, [documentId])).rows[0]!.day;
    const exported = await http<{ objects: { archiveName: string }[] }>(exchange.url('archival', `/archive/export?org=${DISTRICT}&from=${issued}&to=${issued}`), { token: exchange.token('admin') });
    expect(exported.status).toBe(200);
    expect(exported.body.objects.map((o) => o.archiveName)).toEqual(expect.arrayContaining(renewed.objects.slice(-3).map((object) => object.name)));
    expect(await metric('edoc_archive_renewals_total', 'outcome="renewed"')).toBe(1);
    // The chain and every archived object, the renewed copies among them, verify.
    const audit = await exchange.cliOutcome(['audit', 'verify', '--as', 'admin', '--url', exchange.url('archival')]);
    expect({ code: audit.code, stderr: audit.stderr }).toEqual({ code: 0, stderr: '' });
    expect(audit.stdout).toContain('INTACT: no break found');
    expect(audit.stdout).toMatch(new RegExp(`archived objects checked: ${renewed.objects.length}\\b`));

    // The same TSA cannot reach past its own certificate: the next passes block again, and renew nothing twice.
    const again = await waitFor('the next renewal to be blocked', async () => {
      const row = await record();
      return row?.renewal_blocked ? row : undefined;
    }, { timeoutMs: 60_000 });
    expect(again.renewals).toBe(1);
  });
});
