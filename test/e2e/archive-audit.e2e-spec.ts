import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { signDetached } from '@edoc/audit';
import { createHash } from 'node:crypto';
import { LocalTimestampAuthority, loadSigningIdentity } from '@edoc/pki';
import { signPdf } from '@edoc/pdf-sign';
import { waitFor } from '@edoc/testing';
import { TestExchange } from '../support/test-exchange';
import { http, submissionForm } from '../support/http';
import { makePdf } from '../support/pdf-fixtures';
import { makeOpensslCa, opensslCrl, type OpensslCa } from '../../libs/pdf-sign/test/helpers/openssl-ca';

const DISTRICT = '000.00.13.H26';
const OFFICE = '000.01.13.H26';
const BACH_DANG = '000.31.13.H26';

interface Cli {
  code: number;
  stdout: string;
  stderr: string;
}

interface EntryRow {
  seq: string;
  hash: string;
  prev_hash: string;
  event_type: string;
  message_id: string;
  document_id: string | null;
  doc_seq: number | null;
  org_codes: string[];
  occurred_at: Date;
  recorded_at: Date;
  body: string;
}

describe('archive and tamper-evident audit trail', () => {
  let exchange: TestExchange;
  let db: Client;
  let work: string;
  let documentId: string;
  let pdfName: string;
  /** A CA the operator lists in EDOC_TRUSTED_ROOTS, and one nobody listed: both made with openssl. */
  let listedCa: OpensslCa;
  let unlistedCa: OpensslCa;
  /** The listed CA's CRL distribution point, named in its signer's certificate. */
  let crlPoint: Server;
  let crlRequests = 0;
  const pki = () => join(exchange.dataFolder, 'pki');

  const edoc = (...args: string[]): Promise<Cli> => exchange.cliOutcome(args);

  const auditVerify = () => edoc('audit', 'verify', '--as', 'admin', '--url', exchange.url('archival'));

  /** Changes the audit table as an attacker with the database owner's rights would, then undoes it. */
  async function tampered(change: () => Promise<unknown>, undo: () => Promise<unknown>): Promise<Cli> {
    await db.query('ALTER TABLE archival.audit_entries DISABLE TRIGGER USER');
    try {
      await change();
      return await auditVerify();
    } finally {
      await undo();
      await db.query('ALTER TABLE archival.audit_entries ENABLE TRIGGER USER');
    }
  }

  const entry = async (seq: number): Promise<EntryRow> => (await db.query<EntryRow>('SELECT * FROM archival.audit_entries WHERE seq = $1', [seq])).rows[0];
  const insert = (row: EntryRow) =>
    db.query(
      `INSERT INTO archival.audit_entries (seq, hash, prev_hash, event_type, message_id, document_id, doc_seq, org_codes, occurred_at, recorded_at, body) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
      [row.seq, row.hash, row.prev_hash, row.event_type, row.message_id, row.document_id, row.doc_seq, row.org_codes, row.occurred_at, row.recorded_at, row.body],
    );

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'edoc-archive-e2e-'));
    let crl: Buffer = Buffer.alloc(0);
    crlPoint = createServer((_request, response) => {
      crlRequests++;
      response.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(crl);
    });
    await new Promise<void>((resolve) => crlPoint.listen(0, '127.0.0.1', resolve));
    listedCa = makeOpensslCa({ crlUrl: `http://127.0.0.1:${(crlPoint.address() as AddressInfo).port}/listed.crl` });
    crl = opensslCrl(listedCa);
    unlistedCa = makeOpensslCa();
    writeFileSync(join(work, 'other-root.pem'), listedCa.rootPem);
    exchange = await TestExchange.start({ env: { EDOC_AUDIT_CHECKPOINT_ENTRIES: '4', EDOC_TRUSTED_ROOTS: join(work, 'other-root.pem') } });
    db = new Client({ connectionString: exchange.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await exchange?.stop();
    await new Promise((resolve) => crlPoint?.close(resolve));
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('says at start how the archive is protected', () => {
    expect(exchange.logOf('archival')).toContain('archive on the filesystem');
  });

  it('archives an issued document write-once and appends every lifecycle event to the chain', async () => {
    const answer = await http<{ documentId: string }>(exchange.url('intake', '/documents'), {
      token: exchange.token('hbt.clerk'),
      form: submissionForm({ type: 'CV', subject: 'Về việc lưu trữ hồ sơ điện tử', recipients: [OFFICE, BACH_DANG], signer: 'hbt.signer', draftingUnit: 'VP' }, await makePdf('Cong van luu tru', 2), [await makePdf('Phu luc', 1)]),
    });
    expect(answer.status).toBe(202);
    documentId = answer.body.documentId;
    const delivery = await waitFor('the delivery in Bạch Đằng', async () => {
      const inbox = await http<{ items: { deliveryId: string; documentId: string }[] }>(exchange.url('intake', '/inbox'), { token: exchange.token('bachdang.clerk') });
      return inbox.body.items.find((item) => item.documentId === documentId);
    }, { timeoutMs: 40_000 });
    expect((await http(exchange.url('intake', `/inbox/${delivery.deliveryId}/status`), { token: exchange.token('bachdang.clerk'), json: { status: '03' } })).status).toBe(202);

    // Each service's events reach the chain on their own queue: wait for every kind, not one of them.
    // The 01s of recipients that arrive together come as one statuses.reported; the 03 alone.
    const expected = ['document.submitted', 'signature.approved', 'document.person_signed', 'document.numbered', 'document.issued', 'document.archived', 'deliveries.created', 'register.recorded', 'status.reported', 'delivery.status_changed'];
    await waitFor('every lifecycle event in the audit chain', async () => {
      const { rows } = await db.query<{ event_type: string; summary: string }>(`SELECT event_type, body::json->>'summary' AS summary FROM archival.audit_entries WHERE document_id = $1 ORDER BY doc_seq`, [documentId]);
      const types = rows.map((r) => r.event_type);
      const missing = expected.filter((type) => !types.includes(type));
      const accepted = rows.some((r) => r.event_type === 'delivery.status_changed' && r.summary.includes('status 03'));
      if (missing.length > 0 || !accepted) throw new Error(`chain holds ${types.join(', ')}; missing ${[...missing, ...(accepted ? [] : ['the 03'])].join(', ')}`);
      return true;
    }, { timeoutMs: 30_000 });

    const { rows } = await db.query<{ objects: { name: string; role: string }[]; verification_valid: boolean; retention_class: string }>(`SELECT objects, verification_valid, retention_class FROM archival.records WHERE document_id = $1`, [documentId]);
    expect(rows[0].objects.map((o) => o.role)).toEqual(['document', 'attachment', 'metadata', 'metadata-xml', 'verification-report']);
    expect(rows[0]).toMatchObject({ verification_valid: true, retention_class: '10-years' });
    pdfName = rows[0].objects[0].name;
    const archiveDir = join(exchange.dataFolder, 'storage', 'edoc-archive');
    const xml = readFileSync(join(archiveDir, rows[0].objects[3].name), 'utf8');
    expect(xml).toContain('<TrichYeuNoiDung>Về việc lưu trữ hồ sơ điện tử</TrichYeuNoiDung>');
    expect(xml).toContain('<KyHieuCuaVanBan>UBND-VP</KyHieuCuaVanBan>');
    // Write-once on the filesystem: every archived file is read-only (root could still write: the chain is the evidence).
    for (const object of rows[0].objects) expect(statSync(join(archiveDir, object.name)).mode & 0o777).toBe(0o444);
  });

  it('verifies the intact chain, its signed checkpoints and the archived objects', async () => {
    const result = await auditVerify();
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toContain('INTACT: no break found');
    expect(result.stdout).toMatch(/archived objects checked: 5/);
    expect(result.stdout).toMatch(/checkpoints: [1-9]\d*/);
  });

  it('exports a unit as a package that verifies offline, and refuses a unit the caller may not see', async () => {
    const out = join(work, 'package');
    const exported = await edoc('archive', 'export', '--org', DISTRICT, '--from', '2000-01-01', '--to', '2099-12-31', out, '--as', 'admin', '--url', exchange.url('archival'));
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('1 document(s)');
    expect(exported.stdout).toContain('verified: manifest signed by the archive');
    for (const file of ['document.pdf', 'attachment-1.pdf', 'metadata.json', 'metadata.xml', 'verification-report.json', 'audit-proof.json']) {
      expect(existsSync(join(out, 'documents', documentId, file))).toBe(true);
    }

    const denied = await edoc('archive', 'export', '--org', DISTRICT, '--from', '2000-01-01', '--to', '2099-12-31', join(work, 'denied'), '--as', 'tp.clerk', '--url', exchange.url('archival'));
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain(`cannot export the archive of ${DISTRICT}`);
    expect(existsSync(join(work, 'denied'))).toBe(false);
  });

  it('names a missing or altered file and a manifest signed by an unknown key, with a non-zero exit', async () => {
    const copy = (name: string) => {
      cpSync(join(work, 'package'), join(work, name), { recursive: true });
      return join(work, name);
    };
    const missing = copy('missing');
    unlinkSync(join(missing, 'documents', documentId, 'attachment-1.pdf'));
    const altered = copy('altered');
    writeFileSync(join(altered, 'documents', documentId, 'metadata.json'), '{"forged":true}');

    const missingResult = await edoc('archive', 'verify-package', missing);
    expect({ code: missingResult.code, stderr: missingResult.stderr }).toEqual({ code: 1, stderr: '' });
    expect(missingResult.stdout).toContain(`INVALID: documents/${documentId}/attachment-1.pdf: missing`);
    const alteredResult = await edoc('archive', 'verify-package', altered);
    expect({ code: alteredResult.code, stderr: alteredResult.stderr }).toEqual({ code: 1, stderr: '' });
    expect(alteredResult.stdout).toContain(`INVALID: documents/${documentId}/metadata.json: altered`);
    // The district's organisation key is a real key of the PKI, but not the archive's.
    const unknown = await edoc('archive', 'verify-package', join(work, 'package'), '--archive-cert', join(pki(), 'orgs', `${DISTRICT}.cert.pem`));
    expect({ code: unknown.code, stderr: unknown.stderr }).toEqual({ code: 1, stderr: '' });
    expect(unknown.stdout).toMatch(/INVALID: manifest\.json\.p7s: signed by .*Archive \(demo\).*not a trusted archive certificate/);
  });

  it('detects and locates an edited row', async () => {
    const row = await entry(3);
    const result = await tampered(
      () => db.query(`UPDATE archival.audit_entries SET body = replace(body, '"summary":"', '"summary":"forged ') WHERE seq = 3`),
      () => db.query('UPDATE archival.audit_entries SET body = $1 WHERE seq = 3', [row.body]),
    );
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 1, stderr: '' });
    expect(result.stdout).toContain('BROKEN: first break: entry 3: ');
    expect(result.stdout).toMatch(/entry 3: (its content does not match its stored hash|its content differs from the hash signed)/);
  });

  it('detects and locates a deleted row', async () => {
    const row = await entry(4);
    const result = await tampered(
      () => db.query('DELETE FROM archival.audit_entries WHERE seq = 4'),
      () => insert(row),
    );
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 1, stderr: '' });
    expect(result.stdout).toContain('BROKEN: first break: entry 4: missing (deleted)');
  });

  it('detects and locates reordered rows', async () => {
    const swap = async () => {
      await db.query('UPDATE archival.audit_entries SET seq = -1 WHERE seq = 5');
      await db.query('UPDATE archival.audit_entries SET seq = 5 WHERE seq = 6');
      await db.query('UPDATE archival.audit_entries SET seq = 6 WHERE seq = -1');
    };
    const result = await tampered(swap, swap);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 1, stderr: '' });
    expect(result.stdout).toContain('BROKEN: first break: entry 5: the row in position 5 holds entry 6: rows were reordered');
  });

  it('detects a replaced archived object', async () => {
    const file = join(exchange.dataFolder, 'storage', 'edoc-archive', ...pdfName.split('/'));
    const original = readFileSync(file);
    chmodSync(file, 0o644);
    writeFileSync(file, await makePdf('A different document', 1));
    try {
      const result = await auditVerify();
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 1, stderr: '' });
      expect(result.stdout).toContain(`BROKEN: first break: archived object ${pdfName}: its content was replaced`);
    } finally {
      writeFileSync(file, original);
      chmodSync(file, 0o444);
    }
  });

  it('detects a checkpoint signed by an unknown key, in the database and in its write-once copy', async () => {
    const { rows } = await db.query<{ body: string; signature: Buffer }>('SELECT body, signature FROM archival.audit_checkpoints WHERE number = 1');
    const chain = [readFileSync(join(pki(), 'issuing-ca.cert.pem'), 'utf8')];
    const stranger = loadSigningIdentity({ certificatePem: readFileSync(join(pki(), 'orgs', `${DISTRICT}.cert.pem`), 'utf8'), privateKeyPem: readFileSync(join(exchange.dataFolder, 'secrets', 'signing', 'keys', 'orgs', `${DISTRICT}.key.pem`), 'utf8'), chainPem: chain });
    const tsa = new LocalTimestampAuthority(loadSigningIdentity({ certificatePem: readFileSync(join(pki(), 'tsa.cert.pem'), 'utf8'), privateKeyPem: readFileSync(join(exchange.dataFolder, 'secrets', 'archival', 'keys', 'tsa.key.pem'), 'utf8'), chainPem: chain }));
    const forged = await signDetached(Buffer.from(rows[0].body), stranger, tsa);
    const copy = join(exchange.dataFolder, 'storage', 'edoc-archive', 'audit', 'checkpoints', '000001.json.p7s');
    chmodSync(copy, 0o644);
    writeFileSync(copy, forged);
    await db.query('UPDATE archival.audit_checkpoints SET signature = $1 WHERE number = 1', [forged]);
    try {
      const result = await auditVerify();
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 1, stderr: '' });
      expect(result.stdout).toMatch(/BROKEN: first break: checkpoint 1: signed by .*Hai Bà Trưng.*which is not a trusted archive certificate \(unknown key\)/);
    } finally {
      writeFileSync(copy, rows[0].signature);
      chmodSync(copy, 0o444);
      await db.query('UPDATE archival.audit_checkpoints SET signature = $1 WHERE number = 1', [rows[0].signature]);
    }
    expect((await auditVerify()).code).toBe(0);
  });

  it('tells a record whose chain entry is not there yet (pending, then a warning once old) from a real break', async () => {
    // A record without its document.archived entry: what a verifier sees between the two writes of an archiving.
    const orphan = '7d7b0c1e-0000-4000-8000-0000000000ff';
    await db.query(`INSERT INTO archival.records (document_id, issuer_code, edxml_document_id, retention_class, objects, lock_mode) VALUES ($1, $2, 'orphan', '10-years', '[]', 'none')`, [orphan, DISTRICT]);
    try {
      const pending = await auditVerify();
      expect({ code: pending.code, stderr: pending.stderr }).toEqual({ code: 0, stderr: '' });
      expect(pending.stdout).toMatch(new RegExp(`pending: archived, not yet chained \\(1 document, oldest \\d+ s: ${orphan}\\)`));
      expect(pending.stdout).toContain('INTACT: no break found');
      expect(pending.stdout).not.toContain('BROKEN');

      await db.query(`UPDATE archival.records SET archived_at = now() - interval '10 minutes' WHERE document_id = $1`, [orphan]);
      const overdue = await auditVerify();
      expect({ code: overdue.code, stderr: overdue.stderr }).toEqual({ code: 2, stderr: '' });
      expect(overdue.stdout).toMatch(new RegExp(`WARNING: archived, still not chained after 300 s \\(1 document, oldest 6\\d\\d s: ${orphan}\\)`));
      expect(overdue.stdout).not.toContain('BROKEN');
      const patient = await edoc('audit', 'verify', '--as', 'admin', '--url', exchange.url('archival'), '--no-objects', '--pending-warning-after', '3600');
      expect(patient.code).toBe(0);
      expect(patient.stdout).toContain('pending: archived, not yet chained (1 document');

      const row = await entry(3);
      const broken = await tampered(
        () => db.query(`UPDATE archival.audit_entries SET body = replace(body, '"summary":"', '"summary":"forged ') WHERE seq = 3`),
        () => db.query('UPDATE archival.audit_entries SET body = $1 WHERE seq = 3', [row.body]),
      );
      expect({ code: broken.code, stderr: broken.stderr }).toEqual({ code: 1, stderr: '' });
      expect(broken.stdout).toContain('BROKEN: first break: entry 3: ');
      expect(broken.stdout).toContain('WARNING: archived, still not chained');
    } finally {
      await db.query('DELETE FROM archival.records WHERE document_id = $1', [orphan]);
    }
    expect((await auditVerify()).code).toBe(0);
  });

  it('lists documents past their retention for a review, records that in the chain, and deletes nothing', async () => {
    await db.query(`UPDATE archival.records SET retain_until = now() - interval '1 day' WHERE document_id = $1`, [documentId]);
    const review = await edoc('archive', 'disposal-review', '--as', 'admin', '--url', exchange.url('archival'), '--json');
    expect(review.code).toBe(0);
    const listed = JSON.parse(review.stdout) as { items: { documentId: string; listedAt: string | null }[] };
    expect(listed.items).toEqual([expect.objectContaining({ documentId, listedAt: expect.any(String) })]);
    const { rows } = await db.query(`SELECT event_type FROM archival.audit_entries WHERE document_id = $1 AND event_type = 'archive.retention_expired'`, [documentId]);
    expect(rows).toHaveLength(1);
    expect(existsSync(join(exchange.dataFolder, 'storage', 'edoc-archive', ...pdfName.split('/')))).toBe(true);
    expect((await auditVerify()).code).toBe(0);
  });

  it('verifies an attachment signed under a CA the operator listed in EDOC_TRUSTED_ROOTS, with the CRL its certificate points to, and not one under a CA nobody listed', async () => {
    const signedUnder = async (ca: OpensslCa, title: string) =>
      signPdf(await makePdf(title, 1), { identity: loadSigningIdentity({ certificatePem: ca.signerCertificatePem, privateKeyPem: ca.signerKeyPem }), appearance: { kind: 'invisible' } });
    const listed = await signedUnder(listedCa, 'Van ban cua so tinh ban');
    const unlisted = await signedUnder(unlistedCa, 'Van ban cua noi khong ai biet');
    const answer = await http<{ documentId: string }>(exchange.url('intake', '/documents'), {
      token: exchange.token('hbt.clerk'),
      form: submissionForm({ type: 'CV', subject: 'Về việc chuyển văn bản của tỉnh bạn', recipients: [OFFICE], signer: 'hbt.signer' }, await makePdf('Cong van chuyen tiep', 1), [listed, unlisted]),
    });
    expect(answer.status).toBe(202);

    const verdict = async (file: Buffer) => {
      const sha256 = createHash('sha256').update(file).digest('hex');
      type Report = { signatures: { indication: string; subIndication?: string; signer?: { commonName?: string }; checks: { name: string; detail: string }[] }[]; onlineRevocation?: { url: string; outcome: string }[] };
      const report = await http<Report>(exchange.url('intake', `/files/${sha256}/verification`), { token: exchange.token('hbt.clerk') });
      expect(report.status).toBe(200);
      const signatures = report.body.signatures.map((signature) => ({ indication: signature.indication, subIndication: signature.subIndication, signer: signature.signer?.commonName }));
      const revocation = report.body.signatures[0]?.checks.find((check) => check.name === 'revocation')?.detail;
      return { signatures, revocation, fetched: report.body.onlineRevocation?.map((fetch) => fetch.outcome) };
    };
    expect(await verdict(listed)).toEqual({ signatures: [{ indication: 'TOTAL_PASSED', subIndication: undefined, signer: 'Trần Thị Bình' }], revocation: expect.stringMatching(/^the signer certificate is not on the CRL of /), fetched: [expect.stringMatching(/^CRL of .*, 0 revoked$/)] });
    // Asked again, intake answers from the CRL it holds.
    expect(await verdict(listed)).toMatchObject({ signatures: [{ indication: 'TOTAL_PASSED' }], fetched: undefined });
    expect((await verdict(unlisted)).signatures).toEqual([{ indication: 'INDETERMINATE', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND', signer: 'Trần Thị Bình' }]);

    // Archival's report, kept with the document, checked the listed CA's CRL as well (fetched itself).
    const reportObject = await waitFor('the archived verification report', async () => {
      const { rows } = await db.query<{ objects: { name: string; role: string }[] }>(`SELECT objects FROM archival.records WHERE document_id = $1`, [answer.body.documentId]);
      return rows[0]?.objects.find((object) => object.role === 'verification-report');
    }, { timeoutMs: 40_000 });
    type Archived = { files: { name: string; report?: { signatures: { indication: string; checks: { name: string; detail: string }[] }[] } }[] };
    const archived = JSON.parse(readFileSync(join(exchange.dataFolder, 'storage', 'edoc-archive', reportObject.name), 'utf8')) as Archived;
    const listedSignature = archived.files.find((file) => file.name === 'attachment-1.pdf')?.report?.signatures[0];
    expect(listedSignature?.indication).toBe('TOTAL_PASSED');
    expect(listedSignature?.checks.find((check) => check.name === 'revocation')?.detail).toMatch(/^the signer certificate is not on the CRL of /);
    expect(crlRequests).toBe(2); // once by intake, once by archival: each keeps what it fetched
  });

  it('verifies the package offline, with every service stopped', async () => {
    await Promise.all((['intake', 'signing', 'routing', 'archival', 'metrics'] as const).map((name) => exchange.stopService(name)));
    const offline = await edoc('archive', 'verify-package', join(work, 'package'), '--ca', join(pki(), 'root-ca.cert.pem'), '--archive-cert', join(pki(), 'archive.cert.pem'));
    expect(offline.stderr).toBe('');
    expect(offline.code).toBe(0);
    expect(offline.stdout).toContain('VALID: every file matches the manifest signed by the archive');
  });
});
