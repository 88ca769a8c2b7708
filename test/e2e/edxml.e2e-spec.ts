import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EDXML_NS, emptyOrgan, readPackage, signPackage, writePackage, type EdxmlPackage } from '@edoc/edxml';
import { createIssuingCa, createRootCa, issueOrganisationCertificate, type IssuedCredential } from '@edoc/pki';
import { waitFor } from '@edoc/testing';
import { TestExchange } from '../support/test-exchange';
import { http, submissionForm } from '../support/http';
import { makePdf } from '../support/pdf-fixtures';
import { CITY, cityPackage as cityPackageOf } from '../support/city-package';

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

/** The city's CA, which the district lists in EDOC_TRUSTED_ROOTS: packages from the axis are signed under it. */
interface CityPki {
  root: IssuedCredential;
  issuing: IssuedCredential;
  organ: IssuedCredential;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The city's công văn 215 of 2026/12/01. */
const cityPackage = (subject: string, to: string[], document: Buffer): EdxmlPackage => cityPackageOf({ number: 215, subject, to, document });

describe('edXML: export of an issued document, import from the axis', () => {
  let exchange: TestExchange;
  let work: string;
  let city: CityPki;
  let db: Client;
  let documentId: string;
  let issued: DocumentView;
  const pki = (...path: string[]) => join(exchange.dataFolder, 'pki', ...path);
  const subject = 'Về việc <triển khai> "một cửa" & dịch vụ công trực tuyến'.normalize('NFD');

  const edoc = (...args: string[]) => exchange.cliOutcome(args);

  const exportAs = (user: string, id: string, output: string) =>
    edoc('edxml', 'export', id, '-o', output, '--key', join(exchange.dataFolder, 'secrets', 'signing', 'keys', 'orgs', `${DISTRICT}.key.pem`), '--cert', pki('orgs', `${DISTRICT}.cert.pem`), '--as', user, '--url', exchange.url('intake', ''));

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'edoc-edxml-e2e-'));
    const root = createRootCa({ commonName: 'Hà Nội Root CA (test)', keyAlgorithm: 'rsa-2048' });
    const issuing = createIssuingCa(root, { commonName: 'Hà Nội Issuing CA (test)', keyAlgorithm: 'rsa-2048' });
    city = { root, issuing, organ: issueOrganisationCertificate(issuing, { orgCode: CITY, orgName: 'UBND thành phố Hà Nội', keyAlgorithm: 'rsa-2048' }) };
    writeFileSync(join(work, 'city-root.pem'), root.certificatePem);
    exchange = await TestExchange.start({ env: { EDOC_TRUSTED_ROOTS: join(work, 'city-root.pem') } });
    db = new Client({ connectionString: exchange.databaseUrl });
    await db.connect();
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
    await db?.end();
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
    expect(read.pkg.header.toPlaces).toEqual(['Lưu: VT']);
    expect(read.pkg.business).toMatchObject({ docType: 0, documentId: '' });
    // Byte-exact: the issued (sealed, time-stamped) PDF and its attachment, by their SHA-256.
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

  describe('import of a package from the axis', () => {
    const document = () => makePdf('Cong van cua thanh pho', 1);
    const sign = (pkg: EdxmlPackage, signer: IssuedCredential = city.organ, chain: IssuedCredential[] = [city.issuing]) =>
      signPackage(writePackage(pkg), { ...signer, chainPem: chain.map((c) => c.certificatePem) });
    const importFile = async (name: string, xml: string, user = 'admin') => {
      const file = join(work, name);
      writeFileSync(file, xml);
      return edoc('edxml', 'import', file, '--as', user, '--url', exchange.url('intake', ''));
    };
    const imports = async () => Number((await db.query('SELECT count(*) FROM intake.edxml_imports')).rows[0].count);
    const stored = (bytes: Buffer) => existsSync(join(exchange.dataFolder, 'storage')) && (readdirSync(join(exchange.dataFolder, 'storage'), { recursive: true }) as string[]).some((name) => name.endsWith(sha256(bytes)));
    const subject = 'Về việc tổ chức <Ngày hội> "Chuyển đổi số" & văn hóa';
    let pdf: Buffer;
    let xml: string;
    let importedId: string;

    beforeAll(async () => {
      pdf = await document();
      xml = sign(cityPackage(subject, [BACH_DANG, DISTRICT, '000.00.99.H99'], pdf));
    });

    it('registers it for the addressed units of the exchange, who receive it byte-exact and report on it', async () => {
      const imported = await importFile('city.edxml', xml, 'bachdang.clerk');
      expect({ code: imported.code, stderr: imported.stderr }).toEqual({ code: 0, stderr: '' });
      expect(imported.stdout).toMatch(new RegExp(`^imported ${CITY},2026/12/01,215/UBND-KGVX from ${CITY} as document [0-9a-f-]{36}, for ${BACH_DANG}, ${DISTRICT}`));
      const documentId = /as document ([0-9a-f-]{36})/.exec(imported.stdout)![1]!;
      importedId = documentId;

      const item = await waitFor('the document in the inbox of Bạch Đằng', async () => {
        const inbox = await http<{ items: { deliveryId: string; documentId: string; senderCode: string; subject: string; numberNotation: string; dueDate: string | null; file: { sha256: string } | null }[] }>(exchange.url('intake', '/inbox'), { token: exchange.token('bachdang.clerk') });
        return inbox.body.items.find((i) => i.documentId === documentId);
      }, { timeoutMs: 30_000 });
      expect(item).toMatchObject({ senderCode: CITY, subject, numberNotation: '215/UBND-KGVX', dueDate: '2099-12-20', file: { sha256: sha256(pdf) } });
      expect(stored(pdf)).toBe(true);
      const download = await http<ArrayBuffer>(exchange.url('intake', `/files/${sha256(pdf)}`), { token: exchange.token('bachdang.clerk') });
      expect(download.status).toBe(200);
      expect((await http(exchange.url('intake', `/inbox/${item.deliveryId}/status`), { token: exchange.token('bachdang.clerk'), json: { status: '03' } })).status).toBe(202);
      await waitFor('the district office to receive it too', async () => {
        const inbox = await http<{ items: { documentId: string }[] }>(exchange.url('intake', '/inbox'), { token: exchange.token('hbt.clerk') });
        return inbox.body.items.some((i) => i.documentId === documentId);
      }, { timeoutMs: 30_000 });
      const { rows } = await db.query(`SELECT counterpart, subject FROM intake.register_entries WHERE org_code = $1 AND book = 'incoming' AND document_id = $2`, [BACH_DANG, documentId]);
      expect(rows).toEqual([{ counterpart: CITY, subject }]);
      const audited = await waitFor('the import in the audit chain', async () => {
        const { rows: entries } = await db.query<{ summary: string }>(`SELECT body::json->>'summary' AS summary FROM archival.audit_entries WHERE document_id = $1 AND event_type = 'document.imported'`, [documentId]);
        return entries[0];
      }, { timeoutMs: 30_000 });
      expect(audited.summary).toContain(`imported ${CITY},2026/12/01,215/UBND-KGVX from the axis`);
    });

    it('takes a recall package: each recipient is asked, answers, and the answers go back as status messages', async () => {
      const original = cityPackage(subject, [BACH_DANG, DISTRICT], pdf);
      const recallXml = sign({ ...original, attachments: [], business: { ...original.business, docType: 1, reason: 'Ban hành nhầm', documentId: original.header.documentId } });
      const taken = await importFile('recall.edxml', recallXml);
      expect({ code: taken.code, stderr: taken.stderr }).toEqual({ code: 0, stderr: '' });
      expect(taken.stdout).toContain(`recall of ${original.header.documentId} from ${CITY} (document ${importedId}): asked ${DISTRICT}, ${BACH_DANG}`);
      type Item = { deliveryId: string; documentId: string; recallPending: boolean };
      const asked = (user: string) => waitFor(`the recall in the inbox of ${user}`, async () => {
        const inbox = await http<{ items: Item[] }>(exchange.url('intake', '/inbox'), { token: exchange.token(user) });
        return inbox.body.items.find((i) => i.documentId === importedId && i.recallPending);
      }, { timeoutMs: 30_000 });
      const ward = await asked('bachdang.clerk');
      const district = await asked('hbt.clerk');
      expect((await http(exchange.url('intake', `/inbox/${ward.deliveryId}/status`), { token: exchange.token('bachdang.clerk'), json: { status: '16', reason: 'Đã triển khai' } })).status).toBe(202);
      expect((await http(exchange.url('intake', `/inbox/${district.deliveryId}/status`), { token: exchange.token('hbt.clerk'), json: { status: '14' } })).status).toBe(202);

      const folder = join(work, 'recall-statuses');
      const files = await waitFor('the answers among the status messages', async () => {
        rmSync(folder, { recursive: true, force: true });
        const written = await edoc('edxml', 'statuses', importedId, '-o', folder, '--as', 'admin', '--url', exchange.url('intake', ''));
        const names = written.code === 0 ? readdirSync(folder).sort() : [];
        return names.some((f) => f.endsWith(`${BACH_DANG}-16.xml`)) && names.some((f) => f.endsWith(`${DISTRICT}-14.xml`)) ? names : undefined;
      }, { timeoutMs: 30_000 });
      // The recipients' own reports only: the 13 was the sender's.
      expect(files.filter((f) => f.endsWith('-13.xml'))).toEqual([]);
      expect(readFileSync(join(folder, files.find((f) => f.endsWith('-16.xml'))!), 'utf8')).toContain('<edXML:Description>Đã triển khai</edXML:Description>');
      // Bạch Đằng refused, so its copy could be recalled again; the same package sent twice must not ask it twice.
      const again = await importFile('recall-again.edxml', recallXml);
      expect(again.stderr).toContain('409 this recall of');
      expect(again.stderr).toContain('was taken already');
    });

    it('refuses the same package again, and registers nothing', async () => {
      const before = await imports();
      const again = await importFile('again.edxml', xml);
      expect(again.code).not.toBe(0);
      expect(again.stderr).toContain(`409 ${CITY},2026/12/01,215/UBND-KGVX from ${CITY} was imported already`);
      expect(await imports()).toBe(before);
    });

    // Seven runs of the CLI, each a Node start and a package check: minutes on a loaded CI machine.
    it('refuses a bad package with its reasons, and keeps none of its files', async () => {
      const before = await imports();
      const fresh = async () => makePdf(`Van ban ${Math.random()}`, 1);
      const cases: { name: string; xml: (bytes: Buffer) => string; user?: string; reason: string; file?: (pdf: Buffer) => Buffer }[] = [
        { name: 'changed after signing', xml: (bytes) => sign(cityPackage(subject, [BACH_DANG], bytes)).replace('<edXML:Priority>2<', '<edXML:Priority>3<'), reason: '422 Signature: does not verify' },
        { name: 'signed under a CA nobody listed', xml: (bytes) => { const stranger = createRootCa({ commonName: 'Stranger', keyAlgorithm: 'ec-p256' }); return sign({ ...cityPackage(subject, [BACH_DANG], bytes), header: { ...cityPackage(subject, [BACH_DANG], bytes).header, documentId: `${CITY},2026/12/01,216/UBND-KGVX` } }, issueOrganisationCertificate(stranger, { orgCode: CITY, orgName: 'x', keyAlgorithm: 'ec-p256' }), []); }, reason: 'was not issued by a trusted CA' },
        { name: 'from a unit of this exchange', xml: (bytes) => { const p = cityPackage(subject, [BACH_DANG], bytes); return sign({ ...p, header: { ...p.header, from: emptyOrgan(DISTRICT, 'x'), documentId: `${DISTRICT},2026/12/01,9/UBND-VP` } }); }, reason: `${DISTRICT} is a unit of this exchange` },
        { name: 'for no unit of this exchange', xml: (bytes) => { const p = cityPackage(subject, ['000.00.99.H99'], bytes); return sign({ ...p, header: { ...p.header, documentId: `${CITY},2026/12/01,217/UBND-KGVX` } }); }, reason: "addresses none of this exchange's units" },
        { name: 'with an external entity', xml: (bytes) => sign(cityPackage(subject, [BACH_DANG], bytes)).replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'), reason: 'declares a DTD' },
        { name: 'carrying something that is not a PDF', file: (bytes) => Buffer.from(bytes).reverse(), xml: (bytes) => { const p = cityPackage(subject, [BACH_DANG], bytes); return sign({ ...p, header: { ...p.header, documentId: `${CITY},2026/12/01,219/UBND-KGVX` } }); }, reason: 'not a PDF (no %PDF- header)' },
        { name: 'imported by a clerk of a unit it does not address', xml: (bytes) => { const p = cityPackage(subject, [BACH_DANG], bytes); return sign({ ...p, header: { ...p.header, documentId: `${CITY},2026/12/01,218/UBND-KGVX` } }); }, user: 'hbt.clerk', reason: `403 the package addresses ${BACH_DANG}, not ${DISTRICT}` },
      ];
      for (const c of cases) {
        const bytes = (c.file ?? ((pdf: Buffer) => pdf))(await fresh());
        const refused = await importFile(`${c.name}.edxml`, c.xml(bytes), c.user);
        expect({ case: c.name, code: refused.code, reasonFound: refused.stderr.includes(c.reason) ? 'yes' : refused.stderr }).toEqual({ case: c.name, code: 1, reasonFound: 'yes' });
        expect({ case: c.name, stored: stored(bytes) }).toEqual({ case: c.name, stored: false });
      }
      expect(await imports()).toBe(before);
    }, 240_000);
  });

  describe('round trip to a second exchange, where Bạch Đằng runs edoc of its own', () => {
    let second: TestExchange;
    let secondDb: Client;

    beforeAll(async () => {
      const seed = join(work, 'bach-dang');
      mkdirSync(seed);
      writeFileSync(join(seed, 'directory.json'), JSON.stringify({ organisations: [{ code: BACH_DANG, name: 'Ủy ban nhân dân phường Bạch Đằng', abbreviation: 'UBND', kind: 'peoples-committee', parent: null, channel: 'builtin', placeName: 'Bạch Đằng' }] }));
      writeFileSync(join(seed, 'users.json'), JSON.stringify({ users: [
        { id: '0c3e8f0e-7f55-4a43-9d0b-3f1f6b1c2a01', username: 'admin', displayName: 'Quản trị Bạch Đằng', orgCode: BACH_DANG, roles: ['admin'] },
        { id: '0c3e8f0e-7f55-4a43-9d0b-3f1f6b1c2a02', username: 'bachdang.clerk', displayName: 'Văn thư Bạch Đằng', orgCode: BACH_DANG, roles: ['clerk'] },
      ] }));
      second = await TestExchange.start({ env: { EDOC_DIRECTORY_FILE: join(seed, 'directory.json'), EDOC_USERS_FILE: join(seed, 'users.json'), EDOC_TRUSTED_ROOTS: pki('root-ca.cert.pem') } });
      secondDb = new Client({ connectionString: second.databaseUrl });
      await secondDb.connect();
    }, 180_000);

    afterAll(async () => {
      await secondDb?.end();
      await second?.stop();
    });

    it('imports what the first exported, with every field of the metadata equal, and its statuses come back', async () => {
      const output = join(work, 'round-trip.edxml');
      const exported = await edoc('edxml', 'export', documentId, '-o', output, '--key', join(exchange.dataFolder, 'secrets', 'signing', 'keys', 'orgs', `${DISTRICT}.key.pem`), '--cert', pki('orgs', `${DISTRICT}.cert.pem`), '--chain', pki('issuing-ca.cert.pem'), '--as', 'hbt.clerk', '--url', exchange.url('intake', ''));
      expect({ code: exported.code, stderr: exported.stderr }).toEqual({ code: 0, stderr: '' });
      const imported = await second.cliOutcome(['edxml', 'import', output, '--as', 'bachdang.clerk', '--url', second.url('intake', '')]);
      expect({ code: imported.code, stderr: imported.stderr }).toEqual({ code: 0, stderr: '' });
      const importedId = /as document ([0-9a-f-]{36})/.exec(imported.stdout)![1];

      const arrived = await waitFor('the document in the second exchange', async () => {
        const { rows } = await secondDb.query<{ metadata: Record<string, unknown>; file: { sha256: string }; attachments: { sha256: string }[] }>('SELECT metadata, file, attachments FROM intake.deliveries WHERE document_id = $1 AND arrived_at IS NOT NULL', [importedId]);
        return rows[0];
      }, { timeoutMs: 30_000 });
      // The metadata as the first exchange delivered it to its own Bạch Đằng.
      const { rows: sent } = await db.query<{ metadata: Record<string, unknown> }>('SELECT metadata FROM intake.deliveries WHERE document_id = $1 AND recipient_code = $2', [documentId, BACH_DANG]);
      // The id is the second exchange's own; the recipients are the units of it the package
      // addresses; the signer's user id is an account of the first exchange, which edXML does not carry.
      const comparable = ({ documentId: _id, recipientCodes: _recipients, signer, ...rest }: Record<string, unknown>) => ({ ...rest, signer: { ...(signer as object), userId: undefined } });
      expect(comparable(arrived.metadata)).toEqual(comparable(sent[0]!.metadata));
      expect(arrived.metadata).toMatchObject({ subject: subject.normalize('NFC'), edxmlDocumentId: issued.edxmlDocumentId, issuerCode: DISTRICT, typeCode: 'KH', priority: expect.anything(), dueDate: '2099-12-31' });
      expect(arrived.metadata.recipientCodes).toEqual([BACH_DANG]);
      expect([arrived.file.sha256, ...arrived.attachments.map((a) => a.sha256)]).toEqual([issued.file!.sha256, ...issued.attachments.map((a) => a.sha256)]);

      // Statuses come back: Bạch Đằng accepts it on its own exchange, and the first applies the messages.
      const item = await waitFor('the delivery in the inbox of the second exchange', async () => {
        const inbox = await http<{ items: { deliveryId: string; documentId: string }[] }>(second.url('intake', '/inbox'), { token: second.token('bachdang.clerk') });
        return inbox.body.items.find((i) => i.documentId === importedId);
      });
      expect((await http(second.url('intake', `/inbox/${item.deliveryId}/status`), { token: second.token('bachdang.clerk'), json: { status: '03' } })).status).toBe(202);
      const folder = join(work, 'statuses');
      await waitFor('the 03 in the second exchange\'s history', async () => {
        const written = await second.cliOutcome(['edxml', 'statuses', importedId, '-o', folder, '--as', 'bachdang.clerk', '--url', second.url('intake', '')]);
        return written.code === 0 && readdirSync(folder).some((f) => f.endsWith('-03.xml'));
      }, { timeoutMs: 30_000 });
      const files = readdirSync(folder).sort();
      expect(files).toEqual([`001-${BACH_DANG}-01.xml`, `002-${BACH_DANG}-03.xml`]);
      expect(readFileSync(join(folder, files[1]!), 'utf8')).toContain(`<edXML:DocumentId>${issued.edxmlDocumentId}</edXML:DocumentId>`);

      const applied = await edoc('edxml', 'apply-status', ...files.map((f) => join(folder, f)), '--as', 'admin', '--url', exchange.url('intake', ''));
      expect({ code: applied.code, stderr: applied.stderr }).toEqual({ code: 0, stderr: '' });
      // The 01 is there already (the first exchange's own Bạch Đằng inbox confirmed arrival); the 03 is new.
      expect(applied.stdout).toMatch(/-01\.xml: already so \(01 on document [^)]+\)\n.*-03\.xml: applied \(03 on document/);
      const view = await waitFor('the 03 at the sender', async () => {
        const d = (await http<{ deliveries: { recipientCode: string; status: string | null; history: { status: string; reportedBy: string }[] }[] }>(exchange.url('intake', `/documents/${documentId}`), { token: exchange.token('hbt.clerk') })).body.deliveries.find((x) => x.recipientCode === BACH_DANG);
        return d?.status === '03' ? d : undefined;
      }, { timeoutMs: 30_000 });
      expect(view.history.map((h) => h.status)).toEqual(['01', '03']);
      const again = await edoc('edxml', 'apply-status', join(folder, files[1]!), '--as', 'hbt.clerk', '--url', exchange.url('intake', ''));
      expect(again.stderr).toContain('403');
      const stray = join(work, 'stray-status.xml');
      writeFileSync(stray, readFileSync(join(folder, files[1]!), 'utf8').replaceAll(issued.edxmlDocumentId!, `${DISTRICT},2026/01/01,999/UBND-VP`));
      const unknown = await edoc('edxml', 'apply-status', stray, '--as', 'admin', '--url', exchange.url('intake', ''));
      expect(unknown.stderr).toContain(`422 MessageStatus/ResponseFor: no document ${DISTRICT},2026/01/01,999/UBND-VP issued here by ${DISTRICT}`);
      const backwards = join(work, 'backwards-status.xml');
      writeFileSync(backwards, readFileSync(join(folder, files[1]!), 'utf8').replace('<edXML:StatusCode>03<', '<edXML:StatusCode>02<').replace(/<edXML:Description>[^<]*<\/edXML:Description>|<edXML:Description\/>/, '<edXML:Description>Không thuộc thẩm quyền</edXML:Description>'));
      const refused = await edoc('edxml', 'apply-status', backwards, '--as', 'admin', '--url', exchange.url('intake', ''));
      expect(refused.stderr).toContain('409 delivery to 000.31.13.H26: status 02');
    });
  });
});
