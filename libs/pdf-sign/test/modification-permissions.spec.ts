import { createCrl, parseCertificatePem, parseCrlsPem } from '@edoc/pki';
import { addValidationData, type MdpPermission, PdfSignError, signPdf, timestampPdf, verifyPdf } from '@edoc/pdf-sign';
import { pdfsig, qpdfCheck } from './helpers/external-tools';
import { pdfLibDocument } from './helpers/inputs';
import { ORG, type TestPki, makeTestPki } from './helpers/pki-fixture';
import { appendUpdate, withComment } from './helpers/tamper';

/**
 * The organisation's signature locks the document: a FieldMDP lock with PDF 2.0's /P says what may
 * change after it, and a later change it forbids fails that signature, with the reason, while
 * validation data and document time-stamps (ETSI EN 319 142-1 5.4) never do.
 */
describe('what a signature permits after it (FieldMDP lock /P)', () => {
  let pki: TestPki;
  let byPerson: Buffer;
  const trust = () => ({ anchorsPem: pki.anchorsPem, crlsPem: [pki.crl] });
  const organisation = { kind: 'organisation' as const, numberNotation: '7/UBND-VP', issuedDate: '04/12/2026', orgName: ORG.orgName };
  const sealed = (lock: MdpPermission | undefined) => signPdf(byPerson, { identity: pki.orgId, appearance: organisation, timestamp: pki.tsa, fieldName: 'CoQuan', ...(lock === undefined ? {} : { lock }) });
  const laterRevisions = (pdf: Buffer, field: string) => {
    const report = verifyPdf(pdf, trust()).signatures.find((s) => s.fieldName === field);
    return { indication: report?.indication, subIndication: report?.subIndication, detail: report?.checks.find((c) => c.name === 'later-revisions')?.detail };
  };

  beforeAll(async () => {
    pki = makeTestPki();
    byPerson = await signPdf(await pdfLibDocument({ objectStreams: false, pages: 2 }), { identity: pki.personId, appearance: { kind: 'person', position: 'CHỦ TỊCH', fullName: 'Nguyễn Văn Đức' }, timestamp: pki.tsa, fieldName: 'LanhDao' });
  });

  /** The document information dictionary rewritten with a new title. */
  const withNewTitle = (pdf: Buffer) => {
    const infoNum = Number([...pdf.toString('latin1').matchAll(/\/Info (\d+) 0 R/g)].pop()?.[1]);
    expect(infoNum).toBeGreaterThan(0);
    return appendUpdate(pdf, [{ num: infoNum, body: '<< /Title (Renamed) /Producer (an editor) >>' }]);
  };

  test('the lock is written as ISO 32000-2 says, and external tools still accept the file', async () => {
    const locked = await sealed(2);
    const text = locked.toString('latin1');
    expect(text).toMatch(/\/Type\s*\/SigFieldLock\s*\/Action\s*\/All\s*\/P\s+2/);
    expect(text).toMatch(/\/Lock\s+\d+ 0 R/);
    expect(text).toMatch(/\/TransformMethod\s*\/FieldMDP\s*\/TransformParams\s*<<\s*\/Type\s*\/TransformParams\s*\/Action\s*\/All\s*\/P\s+2\s*\/V\s*\/1\.2/);
    expect(qpdfCheck(locked).status).toBe(0);
    expect(pdfsig(locked).map((s) => s.valid)).toEqual([true, true]);
    expect(verifyPdf(locked, trust()).valid).toBe(true);
  });

  test('P=2: a comment added after the seal fails the seal with the reason; the signer, who locked nothing, stays valid', async () => {
    const commented = withComment(await sealed(2));
    expect(laterRevisions(commented, 'CoQuan')).toEqual({ indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', detail: "a later revision added what this signature's FieldMDP lock P=2 forbids: annotation" });
    expect(laterRevisions(commented, 'LanhDao').indication).toBe('TOTAL_PASSED');
    // The same comment on a seal without a lock is a permitted change.
    expect(laterRevisions(withComment(await sealed(undefined)), 'CoQuan')).toMatchObject({ indication: 'TOTAL_PASSED', detail: expect.stringContaining('annotations added') });
  });

  test('P=2: another signature, validation data and a document time-stamp after the seal are permitted', async () => {
    const countersigned = await signPdf(await sealed(2), { identity: pki.personId, appearance: { kind: 'invisible' }, fieldName: 'ThamDinh' });
    const der = (pem: string) => parseCertificatePem(pem).der;
    const withDss = addValidationData(countersigned, { certificates: [der(pki.ca.certificatePem)], crls: [parseCrlsPem(pki.crl, 'CRL')[0].der, parseCrlsPem(createCrl(pki.root, []), 'CRL')[0].der] });
    const stamped = (await timestampPdf(withDss, { timestamp: pki.tsa })).pdf;
    const report = verifyPdf(stamped, trust());
    expect(report.signatures.map((s) => [s.fieldName, s.indication])).toEqual([
      ['LanhDao', 'TOTAL_PASSED'],
      ['CoQuan', 'TOTAL_PASSED'],
      ['ThamDinh', 'TOTAL_PASSED'],
      [expect.any(String), 'TOTAL_PASSED'],
    ]);
    expect(laterRevisions(stamped, 'CoQuan').detail).toContain('within its FieldMDP lock P=2');
    expect(qpdfCheck(stamped).status).toBe(0);
  });

  test('P=2 permits a new title; P=1 does not, and refuses another signature outright but takes a document time-stamp', async () => {
    expect(laterRevisions(withNewTitle(await sealed(2)), 'CoQuan').indication).toBe('TOTAL_PASSED');
    const final = await sealed(1);
    expect(laterRevisions(withNewTitle(final), 'CoQuan')).toMatchObject({ indication: 'TOTAL_FAILED', detail: "a later revision added what this signature's FieldMDP lock P=1 forbids: document metadata" });
    await expect(signPdf(final, { identity: pki.personId, appearance: { kind: 'invisible' } })).rejects.toThrow(
      new PdfSignError('UNSUPPORTED_PDF', 'an earlier signature permits no changes after it (FieldMDP lock P=1); another signature would break it'),
    );
    const stamped = (await timestampPdf(final, { timestamp: pki.tsa })).pdf;
    expect(verifyPdf(stamped, trust()).signatures.map((s) => s.indication)).toEqual(['TOTAL_PASSED', 'TOTAL_PASSED', 'TOTAL_PASSED']);
  });

  test('a lock other than 1, 2 or 3 is refused', async () => {
    await expect(signPdf(byPerson, { identity: pki.orgId, appearance: { kind: 'invisible' }, lock: 4 as MdpPermission })).rejects.toThrow('lock must be 1, 2 or 3 (got 4)');
  });
});
