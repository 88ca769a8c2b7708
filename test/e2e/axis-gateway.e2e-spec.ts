import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '@edoc/config';
import { emptyOrgan, readPackage, readStatusMessage, signPackage, writePackage, writeStatusMessage, type EdxmlPackage } from '@edoc/edxml';
import { createIssuingCa, createRootCa, issueOrganisationCertificate, type IssuedCredential } from '@edoc/pki';
import { waitFor } from '@edoc/testing';
import { TestExchange } from '../support/test-exchange';
import { StandInAxis } from '../support/stand-in-axis';
import { http, submissionForm } from '../support/http';
import { makePdf } from '../support/pdf-fixtures';
import { CITY, cityPackage as cityPackageOf } from '../support/city-package';

const DISTRICT = '000.00.13.H26';
const BACH_DANG = '000.31.13.H26';
/** Another outside organ reached through the axis (channel "axis" in this exchange's directory), beside the city. */
const BA_DINH = '000.00.01.H26';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface DeliveryView {
  deliveryId: string;
  recipientCode: string;
  channel: string;
  status: string | null;
  history: { status: string; reportedBy: string }[];
}

interface OutgoingView {
  messageId: string;
  kind: string;
  toCode: string;
  state: string;
  attempts: number;
  lastError: string | null;
}

/** The city's công văn `n` of 2026/12/02. */
const cityPackage = (n: number, to: string[], document: Buffer): EdxmlPackage => cityPackageOf({ number: n, subject: `Về việc chuyển đổi số, công văn ${n}`, to, document, promulgated: '2026/12/02' });

describe('axis gateway: documents and statuses to and from the national axis, through a stand-in that misbehaves', () => {
  let exchange: TestExchange;
  let axis: StandInAxis;
  let work: string;
  let db: Client;
  let cityOrgan: IssuedCredential;
  let cityIssuing: IssuedCredential;

  const asAdmin = () => exchange.token('admin');
  const outgoing = async (query = '') => (await http<{ messages: OutgoingView[] }>(exchange.url('gateway', `/axis/outgoing${query}`), { token: asAdmin() })).body.messages;
  const metric = async (name: string, labels: string) => (await exchange.metric('gateway', name, labels, asAdmin())) ?? 0;

  async function submit(recipients: string[], title: string): Promise<{ documentId: string; file: Buffer }> {
    const file = await makePdf(title, 1);
    const answer = await http<{ documentId: string }>(exchange.url('intake', '/documents'), {
      token: exchange.token('hbt.clerk'),
      form: submissionForm({ type: 'CV', subject: title, recipients, toPlaces: ['Lưu: VT'], signer: 'hbt.signer', draftingUnit: 'VP' }, file),
    });
    expect({ status: answer.status, body: answer.status === 202 ? 'accepted' : answer.body }).toEqual({ status: 202, body: 'accepted' });
    return { documentId: answer.body.documentId, file };
  }

  const deliveries = async (documentId: string) => (await http<{ state: string; edxmlDocumentId: string; file: { sha256: string } | null; deliveries: DeliveryView[] }>(exchange.url('intake', `/documents/${documentId}`), { token: exchange.token('hbt.clerk') })).body;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'edoc-axis-e2e-'));
    const directory = JSON.parse(readFileSync(join(__dirname, '..', '..', 'deploy', 'seed', 'demo-district.json'), 'utf8')) as { organisations: unknown[] };
    directory.organisations.push(
      { code: CITY, name: 'Ủy ban nhân dân thành phố Hà Nội', abbreviation: 'UBND', kind: 'peoples-committee', parent: null, channel: 'axis', placeName: 'Hà Nội' },
      { code: BA_DINH, name: 'Ủy ban nhân dân quận Ba Đình', abbreviation: 'UBND', kind: 'peoples-committee', parent: null, channel: 'axis', placeName: 'Ba Đình' },
    );
    writeFileSync(join(work, 'directory.json'), JSON.stringify(directory));
    const root = createRootCa({ commonName: 'Hà Nội Root CA (test)', keyAlgorithm: 'ec-p256' });
    cityIssuing = createIssuingCa(root, { commonName: 'Hà Nội Issuing CA (test)', keyAlgorithm: 'ec-p256' });
    cityOrgan = issueOrganisationCertificate(cityIssuing, { orgCode: CITY, orgName: 'UBND thành phố Hà Nội', keyAlgorithm: 'ec-p256' });
    writeFileSync(join(work, 'city-root.pem'), root.certificatePem);
    axis = await StandInAxis.start();
    exchange = await TestExchange.start({
      env: {
        EDOC_DIRECTORY_FILE: join(work, 'directory.json'),
        EDOC_TRUSTED_ROOTS: join(work, 'city-root.pem'),
        EDOC_AXIS_URL: axis.url,
        EDOC_AXIS_POLL_SECONDS: '1',
        EDOC_AXIS_RETRY_SECONDS: '1',
        EDOC_AXIS_MAX_RETRY_SECONDS: '2',
        EDOC_AXIS_TIMEOUT_SECONDS: '5',
      },
    });
    db = new Client({ connectionString: exchange.databaseUrl });
    await db.connect();
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await exchange?.stop();
    await axis?.close();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  describe('a document to an outside organ', () => {
    let documentId: string;
    let file: Buffer;
    let edxmlDocumentId: string;

    it('leaves as one signed package per organ, after the axis failed, answered too late, then accepted', async () => {
      axis.answerNext(1, 503);
      axis.delayNext(1, 7000);
      ({ documentId, file } = await submit([CITY, BACH_DANG], 'Báo cáo chuyển đổi số gửi thành phố'));
      const posted = await waitFor('the package at the axis', async () => axis.posted.find((p) => p.kind === 'package'), { timeoutMs: 60_000 });
      const view = await deliveries(documentId);
      edxmlDocumentId = view.edxmlDocumentId;
      const toCity = view.deliveries.find((d) => d.recipientCode === CITY)!;
      expect(toCity.channel).toBe('axis');
      // Posted under the delivery's id: the axis refuses a second message with it.
      expect(posted.messageId).toBe(toCity.deliveryId);
      // A loaded machine may miss the 201 too; then the next attempt hears 409 (known) and counts as accepted.
      const answers = axis.attempts.filter((a) => a.messageId === toCity.deliveryId).map((a) => a.answer);
      expect(answers.slice(0, 3)).toEqual([503, 'no answer', 201]);
      expect(answers.slice(3).every((a) => a === 409 || a === 'no answer')).toBe(true);
      expect(axis.posted.filter((p) => p.messageId === toCity.deliveryId)).toHaveLength(1);

      // The package as the axis (or the city) reads it: signed under the district's CA, for the city alone, the issued file byte-exact.
      const trust = [new X509Certificate(readFileSync(join(exchange.dataFolder, 'pki', 'root-ca.cert.pem')))];
      const read = readPackage(posted.body, { trusted: trust });
      expect(read.ok ? 'valid' : read.reasons).toBe('valid');
      if (!read.ok) return;
      expect(read.pkg.header.from.organId).toBe(DISTRICT);
      expect(read.pkg.header.to.map((t) => t.organId)).toEqual([CITY]);
      expect(read.pkg.header.documentId).toBe(edxmlDocumentId);
      expect(read.pkg.header.subject).toBe('Báo cáo chuyển đổi số gửi thành phố');
      expect(sha256(read.pkg.attachments[0]!.bytes)).toBe(view.file!.sha256);
      expect(view.file!.sha256).not.toBe(sha256(file)); // the issued file carries the signatures

      const rows = await waitFor('the row to be sent', async () => (await outgoing(`?documentId=${documentId}`)).find((m) => m.state === 'sent'), { timeoutMs: 10_000 });
      const tries = axis.attempts.filter((a) => a.messageId === toCity.deliveryId).length;
      expect(rows).toMatchObject({ kind: 'package', toCode: CITY, attempts: tries });
      expect(await metric('edoc_axis_posts_total', 'kind="package",outcome="retry"')).toBe(tries - 1);
      expect(await metric('edoc_axis_posts_total', 'kind="package",outcome="accepted"')).toBe(1);
    });

    /** A status message of the city about the document, `minutes` from now (negative: before). */
    const cityStatus = (code: '01' | '03' | '14', minutes: number) =>
      Buffer.from(writeStatusMessage({
        responseFor: { organId: DISTRICT, code: edxmlDocumentId.split(',')[2]!, promulgationDate: edxmlDocumentId.split(',')[1]!.replaceAll('/', '-'), documentId: edxmlDocumentId },
        from: emptyOrgan(CITY, 'Ủy ban nhân dân thành phố Hà Nội'),
        statusCode: code,
        description: code === '03' ? 'Đã phân công xử lý' : '',
        timestamp: new Date(Date.now() + minutes * 60_000),
        staff: { department: 'Văn phòng', staff: 'Phạm Văn Dũng', mobile: '', email: '' },
      }), 'utf8');

    it("takes the city's statuses back from the axis, once each, even when the axis sends one twice", async () => {
      const first = axis.offer('status', [DISTRICT], cityStatus('01', -3));
      const accepted = cityStatus('03', -2);
      // The 03 is offered under two ids, and the first is offered again after it was taken.
      const second = axis.offer('status', [DISTRICT], accepted, { ignoreDone: 1 });
      const repeat = axis.offer('status', [DISTRICT], accepted);
      // The sender's view takes routing's changes concurrently: the 03 may show before the 01's history entry does.
      const city = await waitFor("the city's 01 and 03 in the sender's view", async () => {
        const d = (await deliveries(documentId)).deliveries.find((x) => x.recipientCode === CITY);
        return d?.status === '03' && d.history.length >= 2 ? d : undefined;
      }, { timeoutMs: 30_000 });
      expect(city.history.map((h) => `${h.status} by ${h.reportedBy}`)).toEqual([`01 by ${CITY}`, `03 by ${CITY}`]);
      await waitFor('every offered status taken', async () => [first, second, repeat].every((id) => axis.taken(id)) || undefined, { timeoutMs: 10_000 });
      const { rows } = await db.query<{ remote_id: string; state: string }>('SELECT remote_id, state FROM gateway.incoming WHERE kind = $1 ORDER BY received_at', ['status']);
      expect(rows).toEqual([{ remote_id: first, state: 'passed' }, { remote_id: second, state: 'passed' }, { remote_id: repeat, state: 'duplicate' }]);
      expect(axis.doneCalls.filter((id) => id === second)).toHaveLength(2);
    });

    it('dead-letters a status message from the axis that speaks for a unit of this exchange', async () => {
      const forged = cityStatus('03', -1).toString('utf8').replace(`<edXML:OrganId>${CITY}</edXML:OrganId>`, `<edXML:OrganId>${BACH_DANG}</edXML:OrganId>`);
      expect(forged).toContain(BACH_DANG);
      axis.offer('status', [DISTRICT], Buffer.from(forged, 'utf8'));
      const letter = await waitFor('the forged status in dlq.intake.axis', async () => {
        const { stdout } = await exchange.cli(['dlq', 'list', '--json'], { EDOC_RABBITMQ_MANAGEMENT_URL: loadConfig().rabbitManagementUrl });
        return (JSON.parse(stdout) as { queue?: string; reason?: string }[]).find((l) => l.queue === 'intake.axis' && (l.reason ?? '').includes('the axis does not report for it'));
      }, { timeoutMs: 30_000 });
      expect(letter.reason).toContain(`${BACH_DANG} is a unit of this exchange`);
      expect((await deliveries(documentId)).deliveries.find((d) => d.recipientCode === BACH_DANG)?.history.some((h) => h.status === '03')).toBe(false);
    });

    it("recalls it from the city with a recall package, and the city's 14 comes back", async () => {
      const recalled = await http(exchange.url('intake', `/documents/${documentId}/recall`), { token: exchange.token('hbt.clerk'), json: { reason: 'Ban hành nhầm số liệu' } });
      expect(recalled.status).toBe(202);
      const posted = await waitFor('the recall package at the axis', async () => axis.posted.filter((p) => p.kind === 'package').map((p) => readPackage(p.body, { trusted: [new X509Certificate(readFileSync(join(exchange.dataFolder, 'pki', 'root-ca.cert.pem')))] })).find((r) => r.ok && r.pkg.business.docType === 1), { timeoutMs: 30_000 });
      if (!posted.ok) throw new Error('unreachable');
      expect(posted.pkg.business).toMatchObject({ docType: 1, documentId: edxmlDocumentId, reason: 'Ban hành nhầm số liệu' });
      expect(posted.pkg.header.to.map((t) => t.organId)).toEqual([CITY]);
      expect(posted.pkg.attachments).toEqual([]);
      // A minute on, like the statuses before it: edXML times have whole seconds, so a 14 stamped
      // "now" can fall in the second the recall's 13 was recorded in, and sort before it.
      axis.offer('status', [DISTRICT], cityStatus('14', 1));
      const city = await waitFor("the city's 14 in the sender's view", async () => {
        const d = (await deliveries(documentId)).deliveries.find((x) => x.recipientCode === CITY);
        return d?.status === '14' && d.history.length >= 4 ? d : undefined;
      }, { timeoutMs: 30_000 });
      expect(city.history.map((h) => h.status)).toEqual(['01', '03', '13', '14']);
    });

    it('keeps a package the axis refuses as dead, with the reason, until an administrator sends it again', async () => {
      axis.answerNext(1, 400, 'unknown organ');
      const { documentId: second } = await submit([BA_DINH], 'Công văn gửi quận Ba Đình');
      const dead = await waitFor('the dead package', async () => (await outgoing(`?documentId=${second}`)).find((m) => m.state === 'dead'), { timeoutMs: 60_000 });
      expect(dead).toMatchObject({ toCode: BA_DINH, attempts: 1, lastError: 'refused by the axis: HTTP 400: unknown organ' });
      expect(await metric('edoc_axis_outgoing', 'kind="package",state="dead"')).toBe(1);
      // Only administrators see or touch it.
      expect((await http(exchange.url('gateway', '/axis/outgoing?state=dead'), { token: exchange.token('hbt.clerk') })).status).toBe(403);
      expect((await http(exchange.url('gateway', '/axis/outgoing?state=dead'))).status).toBe(401);
      expect((await http(exchange.url('gateway', '/axis/outgoing?state=gone'), { token: asAdmin() })).status).toBe(400);
      expect((await http(exchange.url('gateway', `/axis/outgoing/${dead.messageId}/retry`), { method: 'POST', token: exchange.token('hbt.clerk') })).status).toBe(403);
      expect((await http(exchange.url('gateway', '/axis/outgoing/no-such-message/retry'), { method: 'POST', token: asAdmin() })).status).toBe(404);
      expect((await http(exchange.url('gateway', `/axis/outgoing/${dead.messageId}/retry`), { method: 'POST', token: asAdmin() })).status).toBe(202);
      await waitFor('the package sent after the retry', async () => (await outgoing(`?documentId=${second}`)).find((m) => m.state === 'sent'), { timeoutMs: 30_000 });
      expect(axis.posted.filter((p) => p.messageId === dead.messageId)).toHaveLength(1);
    });
  });

  describe('a document from an outside organ', () => {
    const sign = (pkg: EdxmlPackage, signer: IssuedCredential = cityOrgan) => Buffer.from(signPackage(writePackage(pkg), { privateKeyPem: signer.privateKeyPem, certificatePem: signer.certificatePem, chainPem: [cityIssuing.certificatePem] }), 'utf8');

    it('is imported once for the units it addresses, though the axis offers it three times, and their statuses go back', async () => {
      const pdf = await makePdf('Cong van 301 cua thanh pho', 1);
      const body = sign(cityPackage(301, [BACH_DANG], pdf));
      const first = axis.offer('package', [BACH_DANG], body, { ignoreDone: 1 });
      const again = axis.offer('package', [BACH_DANG], body);
      const item = await waitFor('the document in the inbox of Bạch Đằng', async () => {
        const inbox = await http<{ items: { deliveryId: string; documentId: string; senderCode: string; senderName: string; file: { sha256: string } | null }[] }>(exchange.url('intake', '/inbox'), { token: exchange.token('bachdang.clerk') });
        return inbox.body.items.find((i) => i.senderCode === CITY);
      }, { timeoutMs: 60_000 });
      expect(item).toMatchObject({ senderName: 'Ủy ban nhân dân thành phố Hà Nội', file: { sha256: sha256(pdf) } });
      await waitFor('both offers taken', async () => (axis.taken(first) && axis.taken(again)) || undefined, { timeoutMs: 10_000 });
      const { rows: imports } = await db.query('SELECT imported_by FROM intake.edxml_imports WHERE organ_id = $1', [CITY]);
      expect(imports).toEqual([{ imported_by: 'axis-gateway' }]);

      expect((await http(exchange.url('intake', `/inbox/${item.deliveryId}/status`), { token: exchange.token('bachdang.clerk'), json: { status: '03' } })).status).toBe(202);
      const statuses = await waitFor('the 01 and the 03 at the axis', async () => {
        const sent = axis.posted.filter((p) => p.kind === 'status').map((p) => readStatusMessage(p.body)).flatMap((r) => (r.ok ? [r.message] : []));
        return sent.length >= 2 ? sent : undefined;
      }, { timeoutMs: 30_000 });
      expect(statuses.map((s) => ({ about: s.responseFor.documentId, from: s.from.organId, code: s.statusCode }))).toEqual([
        { about: `${CITY},2026/12/02,301/UBND-KGVX`, from: BACH_DANG, code: '01' },
        { about: `${CITY},2026/12/02,301/UBND-KGVX`, from: BACH_DANG, code: '03' },
      ]);
    });

    it('registers a replacement of it as a new document that names the one it replaces', async () => {
      const pdf = await makePdf('Cong van 303 thay the 301', 1);
      const original = cityPackage(301, [BACH_DANG], pdf);
      const replacement = cityPackage(303, [BACH_DANG], pdf);
      const body = sign({ ...replacement, business: { ...replacement.business, docType: 3, reason: 'Thay thế công văn 301', documentId: original.header.documentId, replacement: { documentId: original.header.documentId, organIds: [BACH_DANG] } } });
      axis.offer('package', [BACH_DANG], body);
      const { rows } = await waitFor('the replacement imported', async () => {
        const found = await db.query<{ replaces: string; first: string }>(
          `SELECT d.metadata->>'replacesDocumentId' AS replaces, first.document_id::text AS first
           FROM intake.edxml_imports i JOIN intake.deliveries d ON d.document_id = i.document_id
           JOIN intake.edxml_imports first ON first.organ_id = i.organ_id AND first.edxml_document_id = $2
           WHERE i.edxml_document_id = $1 AND d.arrived_at IS NOT NULL`,
          [replacement.header.documentId, original.header.documentId],
        );
        return found.rows.length > 0 ? found : undefined;
      }, { timeoutMs: 60_000 });
      expect(rows[0]!.replaces).toBe(rows[0]!.first);
    });

    it('dead-letters a package intake refuses, with its reasons, and registers nothing', async () => {
      const stranger = createRootCa({ commonName: 'Stranger', keyAlgorithm: 'ec-p256' });
      const forged = issueOrganisationCertificate(stranger, { orgCode: CITY, orgName: 'x', keyAlgorithm: 'ec-p256' });
      const pdf = await makePdf('Cong van 302 gia mao', 1);
      const id = axis.offer('package', [BACH_DANG], Buffer.from(signPackage(writePackage(cityPackage(302, [BACH_DANG], pdf)), { privateKeyPem: forged.privateKeyPem, certificatePem: forged.certificatePem }), 'utf8'));
      const letter = await waitFor('the refused package in dlq.intake.axis', async () => {
        const { stdout } = await exchange.cli(['dlq', 'list', '--json'], { EDOC_RABBITMQ_MANAGEMENT_URL: loadConfig().rabbitManagementUrl });
        return (JSON.parse(stdout) as { queue?: string; reason?: string }[]).find((l) => l.queue === 'intake.axis' && (l.reason ?? '').includes('edXML package from the axis refused'));
      }, { timeoutMs: 60_000 });
      expect(letter.reason).toContain('edXML package from the axis refused');
      expect(letter.reason).toContain('was not issued by a trusted CA');
      expect(axis.taken(id)).toBe(true);
      const { rows } = await db.query('SELECT count(*)::int AS n FROM intake.edxml_imports WHERE edxml_document_id = $1', [`${CITY},2026/12/02,302/UBND-KGVX`]);
      expect(rows).toEqual([{ n: 0 }]);
    });

    it('refuses a message larger than a package may be, without reading it whole, and takes the next', async () => {
      const huge = Buffer.alloc(21 * 1024 * 1024, 0x41);
      const id = axis.offer('package', [BACH_DANG], huge);
      await waitFor('the huge message refused', async () => axis.taken(id) || undefined, { timeoutMs: 30_000 });
      const { rows } = await db.query<{ state: string; reason: string }>('SELECT state, reason FROM gateway.incoming WHERE remote_id = $1', [id]);
      expect(rows[0]).toMatchObject({ state: 'refused', reason: expect.stringContaining('more than 20971520') });
      expect(await metric('edoc_axis_received_total', 'kind="package",outcome="refused"')).toBe(1);
    });
  });
});
