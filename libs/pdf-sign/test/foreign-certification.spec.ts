import { PDFArray, PDFDict, PDFDocument, PDFInvalidObject, PDFName, PDFRef } from 'pdf-lib';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import signpdf from '@signpdf/signpdf';
import { Signer } from '@signpdf/utils';
import { PdfSignError, signPdf, timestampPdf, verifyPdf } from '@edoc/pdf-sign';
import { extractSignatures, mutoolDigestVerdicts, opensslVerify, pdfsig, qpdfCheck } from './helpers/external-tools';
import { pdfLibDocument } from './helpers/inputs';
import { makeOpensslCa, opensslCmsSign, type OpensslCa } from './helpers/openssl-ca';
import { type TestPki, makeTestPki } from './helpers/pki-fixture';
import { withComment } from './helpers/tamper';

class OpensslSigner extends Signer {
  constructor(private readonly ca: OpensslCa) {
    super();
  }

  override async sign(content: Buffer): Promise<Buffer> {
    return opensslCmsSign(this.ca, content);
  }
}

/**
 * A certification signature made without edoc: pdf-lib and @signpdf lay it out, with a DocMDP
 * transform P=1 ("no changes") and the catalog's /Perms pointing to it, and openssl makes the CMS.
 */
async function certifiedElsewhere(ca: OpensslCa, permission: 1 | 2 | 3): Promise<Buffer> {
  const doc = await PDFDocument.load(await pdfLibDocument({ pages: 1 }));
  pdflibAddPlaceholder({ pdfDoc: doc, reason: 'Chứng thực văn bản', contactInfo: '', name: 'Trần Thị Bình', location: 'Việt Nam' });
  const fields = doc.catalog.lookup(PDFName.of('AcroForm'), PDFDict).lookup(PDFName.of('Fields'), PDFArray);
  const widget = doc.context.lookup(fields.get(fields.size() - 1), PDFDict);
  const sigRef = widget.get(PDFName.of('V')) as PDFRef;
  // @signpdf writes the signature dictionary as raw bytes; the DocMDP reference goes in as text.
  const raw = Buffer.from((doc.context.lookup(sigRef) as unknown as { data: Uint8Array }).data).toString('latin1');
  const withReference = raw.replace('/Type /Sig', `/Type /Sig /Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P ${permission} /V /1.2 >> >>]`);
  if (withReference === raw) throw new Error('no /Type /Sig in the signature dictionary @signpdf wrote');
  doc.context.assign(sigRef, PDFInvalidObject.of(Buffer.from(withReference, 'latin1')));
  doc.catalog.set(PDFName.of('Perms'), doc.context.obj({ DocMDP: sigRef }));
  return signpdf.sign(Buffer.from(await doc.save({ useObjectStreams: false })), new OpensslSigner(ca));
}

describe('a document certified "no changes" (DocMDP P=1) by another tool', () => {
  let district: TestPki;
  let other: OpensslCa;
  let certified: Buffer;
  const trust = () => ({ anchorsPem: [...district.anchorsPem, other.rootPem] });
  const verdict = (pdf: Buffer) =>
    verifyPdf(pdf, trust()).signatures.map((s) => ({ indication: s.indication, subIndication: s.subIndication, laterRevisions: s.checks.find((c) => c.name === 'later-revisions')?.detail }));

  beforeAll(async () => {
    district = makeTestPki();
    other = makeOpensslCa();
    certified = await certifiedElsewhere(other, 1);
  });

  test('passes as it was made, and openssl, poppler, MuPDF and qpdf agree', () => {
    expect(verdict(certified)).toEqual([{ indication: 'TOTAL_PASSED', subIndication: undefined, laterRevisions: expect.any(String) }]);
    const [extracted] = extractSignatures(certified);
    expect(opensslVerify(certified, extracted, other.rootPem).status).toBe(0);
    expect(pdfsig(certified)[0].valid).toBe(true);
    expect(mutoolDigestVerdicts(certified)).toEqual(['The document is unchanged since signing.']);
    expect(qpdfCheck(certified).status).toBe(0);
    // One signed byte changed: MuPDF and edoc both see it.
    const tampered = Buffer.from(certified);
    tampered[certified.indexOf('/MediaBox') + 12] ^= 1;
    expect(mutoolDigestVerdicts(tampered)).toEqual([expect.stringMatching(/^Digest error/)]);
    expect(verdict(tampered)[0]).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE' });
  });

  test('a comment added after it fails the certification, saying which permission forbade what', () => {
    // The signed bytes are intact, as MuPDF sees too; what breaks the certification is what was added.
    expect(mutoolDigestVerdicts(withComment(certified))).toEqual(['The signature is valid but there have been edits since signing.']);
    expect(verdict(withComment(certified))).toEqual([
      { indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', laterRevisions: "a later revision added what this signature's DocMDP P=1 (certification) forbids: annotation" },
    ]);
  });

  test('the same comment after a P=3 certification is permitted', async () => {
    const [report] = verdict(withComment(await certifiedElsewhere(other, 3)));
    expect(report).toMatchObject({ indication: 'TOTAL_PASSED', laterRevisions: expect.stringContaining('annotations added') });
  });

  test('edoc refuses to sign it, and to time-stamp it, rather than break the certification', async () => {
    const refusal = new PdfSignError('UNSUPPORTED_PDF', 'the document is certified with "no changes allowed" (DocMDP P=1); another signature would break its certification');
    await expect(signPdf(certified, { identity: district.orgId, appearance: { kind: 'invisible' } })).rejects.toThrow(refusal);
    await expect(timestampPdf(certified, { timestamp: district.tsa })).rejects.toThrow(refusal);
  });
});
