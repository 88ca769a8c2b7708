import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import signpdf from '@signpdf/signpdf';
import { Signer } from '@signpdf/utils';
import { loadSigningIdentity, readTrustedRoots } from '@edoc/pki';
import { signPdf, verifyPdf } from '@edoc/pdf-sign';
import { extractSignatures, opensslVerify, pdfsig, qpdfCheck } from './helpers/external-tools';
import { pdfLibDocument } from './helpers/inputs';
import { makeOpensslCa, opensslCmsSign, type OpensslCa } from './helpers/openssl-ca';
import { makeTestPki, type TestPki } from './helpers/pki-fixture';

/** @signpdf lays out the byte ranges; openssl makes the CMS over them. */
class OpensslSigner extends Signer {
  constructor(private readonly ca: OpensslCa) {
    super();
  }

  override async sign(content: Buffer): Promise<Buffer> {
    return opensslCmsSign(this.ca, content);
  }
}

/**
 * Signatures under a CA that edoc did not make (here one made with openssl, as the national
 * government CA or a province's would be): trusted when an operator lists its root, and not
 * otherwise, whoever made the CMS.
 */
describe('a signature under another CA', () => {
  let district: TestPki;
  let other: OpensslCa;
  let dir: string;
  let otherRootFile: string;
  let bySignpdfAndOpenssl: Buffer;
  let byEdoc: Buffer;

  beforeAll(async () => {
    district = makeTestPki();
    other = makeOpensslCa();
    dir = mkdtempSync(join(tmpdir(), 'edoc-other-ca-'));
    otherRootFile = join(dir, 'other-root.pem');
    writeFileSync(otherRootFile, other.rootPem);

    // The CMS is openssl's own (`openssl cms -sign`), over the byte ranges @signpdf lays out.
    const doc = await PDFDocument.load(await pdfLibDocument({ pages: 1 }));
    pdflibAddPlaceholder({ pdfDoc: doc, reason: 'Phê duyệt', contactInfo: '', name: 'Trần Thị Bình', location: 'Việt Nam' });
    const withPlaceholder = Buffer.from(await doc.save({ useObjectStreams: false }));
    bySignpdfAndOpenssl = await signpdf.sign(withPlaceholder, new OpensslSigner(other));

    // edoc's own signer with a key and certificate from the other CA.
    const identity = loadSigningIdentity({ certificatePem: other.signerCertificatePem, privateKeyPem: other.signerKeyPem });
    byEdoc = await signPdf(await pdfLibDocument({ pages: 1 }), { identity, appearance: { kind: 'invisible' } });
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each([
    ['a CMS made by openssl', () => bySignpdfAndOpenssl],
    ["edoc's signer with the other CA's key", () => byEdoc],
  ])('%s is refused while only the district root is trusted: no chain to a trust anchor', (_what, file) => {
    const [signature] = verifyPdf(file(), { anchorsPem: district.anchorsPem }).signatures;
    expect({ indication: signature.indication, subIndication: signature.subIndication }).toEqual({ indication: 'INDETERMINATE', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND' });
    expect(signature.checks.find((check) => check.name === 'certificate-chain')?.detail).toContain('no chain from');
  });

  test.each([
    ['a CMS made by openssl', () => bySignpdfAndOpenssl],
    ["edoc's signer with the other CA's key", () => byEdoc],
  ])('%s passes once the other root is in the configured trust list, and openssl, poppler and qpdf agree', (_what, file) => {
    const trusted = readTrustedRoots([otherRootFile]);
    expect(trusted.map((root) => root.subject)).toEqual([expect.stringContaining('Openssl Test Root CA')]);
    const report = verifyPdf(file(), { anchorsPem: [...district.anchorsPem, ...trusted.map((root) => root.pem)] });
    expect(report.signatures.map((signature) => signature.indication)).toEqual(['TOTAL_PASSED']);
    expect(report.signatures[0].signer?.commonName).toBe('Trần Thị Bình');

    const [extracted] = extractSignatures(file());
    expect(opensslVerify(file(), extracted, other.rootPem).status).toBe(0);
    expect(opensslVerify(file(), extracted, district.root.certificatePem).status).not.toBe(0);
    expect(pdfsig(file())[0].valid).toBe(true);
    expect(qpdfCheck(file()).status).toBe(0);
  });

  test("the other CA's signer certificate is not a trust anchor: the trust list refuses it by name", () => {
    const leafFile = join(dir, 'signer.pem');
    writeFileSync(leafFile, other.signerCertificatePem);
    expect(() => readTrustedRoots([leafFile])).toThrow(`${leafFile} holds "C=VN, O=Sở Tư pháp tỉnh khác, CN=Trần Thị Bình", which is not a CA certificate`);
  });
});
