import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EDXML_NS, readPackage, readStatusMessage, signPackage, writePackage, writeStatusMessage, type EdxmlPackage } from '../src';
import { makeTestPki, samplePackage, type TestPki } from './helpers/sample-package';

const nfcPackage = (pkg: EdxmlPackage): EdxmlPackage => JSON.parse(JSON.stringify(pkg, (_key, value: unknown) => (typeof value === 'string' ? value.normalize('NFC') : value)));

describe('edXML package: write, sign, read', () => {
  let pki: TestPki;
  let work: string;
  beforeAll(() => {
    pki = makeTestPki();
    work = mkdtempSync(join(tmpdir(), 'edxml-'));
  });

  const signed = (pkg: EdxmlPackage) => signPackage(writePackage(pkg), pki.signer);

  it('reads back every field, NFC, with attachments byte-exact', () => {
    const pkg = samplePackage();
    const result = readPackage(Buffer.from(signed(pkg)), pki);
    if (!result.ok) throw new Error(result.reasons.join('\n'));
    const { attachments, ...rest } = result.pkg;
    const { attachments: sent, ...sentRest } = pkg;
    expect(JSON.parse(JSON.stringify(rest))).toEqual(nfcPackage(sentRest as EdxmlPackage));
    expect(rest.header.subject).toBe('Về việc phê duyệt kế hoạch <chuyển đổi số> & "một cửa" năm 2027 ]]>'.normalize('NFC'));
    expect(attachments.map((a) => ({ ...a, bytes: a.bytes.toString('hex') }))).toEqual(sent.map((a) => ({ ...a, name: a.name.normalize('NFC'), bytes: a.bytes.toString('hex') })));
    expect(result.signer.subject).toContain('000.00.13.H26');
    expect(result.warnings).toEqual([]);
  });

  it('writes the standard namespace, Vietnam time, and the certificate in KeyInfo', () => {
    const xml = signed(samplePackage());
    expect(xml).toContain(`xmlns:edXML="${EDXML_NS}"`);
    expect(xml).toContain('<edXML:Timestamp>2026/12/03 09:15:30</edXML:Timestamp>');
    expect(xml).toContain('<edXML:PromulgationDate>2026/12/03</edXML:PromulgationDate>');
    expect(xml).toMatch(/<X509Certificate>[A-Za-z0-9+/=\s]+<\/X509Certificate>/);
    expect(xml).toContain('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
  });

  it('is verified by xmlsec1, chain included, and xmlsec1 refuses it once an attachment changes', () => {
    const xml = signed(samplePackage());
    const good = join(work, 'good.edxml');
    writeFileSync(good, xml);
    writeFileSync(join(work, 'root.pem'), pki.root.certificatePem);
    writeFileSync(join(work, 'issuing.pem'), pki.issuing.certificatePem);
    const xmlsec = (file: string) =>
      execFileSync('xmlsec1', ['--verify', '--trusted-pem', join(work, 'root.pem'), '--untrusted-pem', join(work, 'issuing.pem'), '--id-attr:Id', `${EDXML_NS}:edXMLEnvelope`, '--id-attr:Id', `${EDXML_NS}:Attachment`, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(() => xmlsec(good)).not.toThrow();
    const forged = join(work, 'forged.edxml');
    const base64 = /<edXML:ContentTransferEncoded>([^<]+)</.exec(xml)![1]!;
    writeFileSync(forged, xml.replace(base64, Buffer.from('%PDF-1.7 forged').toString('base64')));
    expect(() => xmlsec(forged)).toThrow(/FAIL|verification failed|invalid/i);
  });

  it('keeps a recall, which carries no file, and a replacement with its organs', () => {
    const recall: EdxmlPackage = { ...samplePackage(), attachments: [], business: { ...samplePackage().business, docType: 1, reason: 'Ban hành nhầm', documentId: '000.00.13.H26,2026/12/03,125/QĐ-UBND' } };
    const read = readPackage(Buffer.from(signed(recall)), pki);
    expect(read.ok ? read.pkg.business : read.reasons).toEqual(recall.business);
    const replacement: EdxmlPackage = { ...samplePackage(), business: { ...samplePackage().business, docType: 3, reason: 'Thay thế', documentId: '000.00.13.H26,2026/12/01,120/QĐ-UBND', replacement: { documentId: '000.00.13.H26,2026/12/01,120/QĐ-UBND', organIds: ['000.31.13.H26'] } } };
    const replaced = readPackage(Buffer.from(signed(replacement)), pki);
    expect(replaced.ok ? replaced.pkg.business : replaced.reasons).toEqual(replacement.business);
  });

  it('refuses a package signed by a CA it does not trust, naming the signer', () => {
    const other = makeTestPki('Another Root');
    const result = readPackage(Buffer.from(signPackage(writePackage(samplePackage()), other.signer)), pki);
    expect(result.ok ? [] : result.reasons).toEqual([expect.stringMatching(/^Signature: the certificate of ".*000\.00\.13\.H26.*" was not issued by a trusted CA$/)]);
  });

  it('needs the issuing CA to link the signer to the root, and trusts nothing it was not given', () => {
    const bytes = Buffer.from(signed(samplePackage()));
    expect(readPackage(bytes, { trusted: pki.trusted }).ok).toBe(false);
    expect(readPackage(bytes, { trusted: pki.intermediates }).ok).toBe(true);
    expect(readPackage(bytes, { trusted: [], intermediates: [...pki.intermediates, ...pki.trusted] }).ok).toBe(false);
  });

  it('carries the issuing CA in KeyInfo when asked, so a reader that trusts only the root accepts it', () => {
    const xml = signPackage(writePackage(samplePackage()), { ...pki.signer, chainPem: [pki.issuing.certificatePem] });
    expect(xml.match(/<X509Certificate>/g)).toHaveLength(2);
    const read = readPackage(Buffer.from(xml), { trusted: pki.trusted });
    expect(read.ok ? read.signer.subject : read.reasons).toContain('000.00.13.H26');
  });

  it('signs with an EC key as ecdsa-sha256, which xmlsec1 verifies too', () => {
    const ec = makeTestPki('EC Root', 'ec-p256');
    const xml = signPackage(writePackage(samplePackage()), ec.signer);
    expect(xml).toContain('http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256');
    const read = readPackage(Buffer.from(xml), ec);
    expect(read.ok ? 'read' : read.reasons).toBe('read');
    const file = join(work, 'ec.edxml');
    writeFileSync(file, xml);
    writeFileSync(join(work, 'ec-root.pem'), ec.root.certificatePem);
    writeFileSync(join(work, 'ec-issuing.pem'), ec.issuing.certificatePem);
    expect(() => execFileSync('xmlsec1', ['--verify', '--trusted-pem', join(work, 'ec-root.pem'), '--untrusted-pem', join(work, 'ec-issuing.pem'), '--id-attr:Id', `${EDXML_NS}:edXMLEnvelope`, '--id-attr:Id', `${EDXML_NS}:Attachment`, file], { stdio: ['ignore', 'pipe', 'pipe'] })).not.toThrow();
  });
});

describe('edXML status message', () => {
  const message = {
    responseFor: { organId: '000.00.13.H26', code: '125/QĐ-UBND', promulgationDate: '2026-12-03', documentId: '000.00.13.H26,2026/12/03,125/QĐ-UBND' },
    from: { organId: '000.31.13.H26', organName: 'UBND phường Bạch Đằng', organizationInCharge: '', organAdd: '', email: '', telephone: '', fax: '', website: '' },
    statusCode: '16' as const,
    description: 'Đã triển khai, không thu hồi được <lý do> & "ghi chú"',
    timestamp: new Date('2026-12-03T08:00:00Z'),
    staff: { department: 'Văn phòng', staff: 'Lê Văn Cường', mobile: '0987654321', email: 'cuong@bachdang.gov.vn' },
  };

  it('reads back what it wrote', () => {
    const result = readStatusMessage(Buffer.from(writeStatusMessage(message)));
    expect(result).toEqual({ ok: true, message });
  });

  it('refuses an unknown code and a refusal without its reason', () => {
    const bad = writeStatusMessage({ ...message, description: '' }).replace('<edXML:StatusCode>16<', '<edXML:StatusCode>16<').replace('2026/12/03 15:00:00', '2026/13/03 15:00:00');
    expect(readStatusMessage(Buffer.from(bad))).toEqual({ ok: false, reasons: ['MessageStatus/Timestamp: "2026/13/03 15:00:00" is not a time (yyyy/MM/dd HH:mm:ss or dd/MM/yyyy HH:mm:ss)', 'MessageStatus/Description: a refusal (16) carries its reason'] });
    const unknown = writeStatusMessage(message).replace('<edXML:StatusCode>16<', '<edXML:StatusCode>09<');
    expect(readStatusMessage(Buffer.from(unknown))).toEqual({ ok: false, reasons: [expect.stringContaining('MessageStatus/StatusCode: "09" is not a status code')] });
  });
});
