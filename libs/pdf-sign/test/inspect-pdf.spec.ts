import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { inspectPdf, signPdf } from '@edoc/pdf-sign';
import { qpdfCheck } from './helpers/external-tools';
import { withFormalSignature } from '@edoc/testing';
import { type RawObject, classicPdf, simpleDocument, stream } from '@edoc/testing';
import { ghostscript, pdfLibDocument, qpdf, transform } from './helpers/inputs';
import { type TestPki, makeTestPki } from './helpers/pki-fixture';

/** The intake preflight: what must be refused, with its reason, and the facts about the file. */
describe('inspectPdf', () => {
  let pki: TestPki;
  let dir: string;
  const [catalog, pages, page, content] = simpleDocument();
  const withCatalog = (extra: string, more: RawObject[] = []) => classicPdf([{ num: 1, body: `<< /Type /Catalog /Pages 2 0 R ${extra} >>` }, pages, page, content, ...more]);
  const reasons = (pdf: Buffer | string) => inspectPdf(pdf).refusals.map((r) => `${r.code}: ${r.reason}`);

  beforeAll(() => {
    pki = makeTestPki();
    dir = mkdtempSync(join(tmpdir(), 'edoc-inspect-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the facts of an ordinary letter, read from a file', async () => {
    const letter = await pdfLibDocument({ pages: 3, objectStreams: true });
    const file = join(dir, 'letter.pdf');
    writeFileSync(file, letter);
    expect(inspectPdf(file)).toEqual({
      acceptable: true,
      refusals: [],
      facts: { pdfVersion: '1.7', pageCount: 3, encrypted: false, signed: false, signatureCount: 0, activeContent: [], embeddedFiles: [] },
    });
  });

  test('encrypted files are refused, whatever the password', () => {
    const plain = classicPdf(simpleDocument());
    for (const userPassword of ['secret', '']) {
      const encrypted = qpdf(plain, '--encrypt', userPassword, 'owner', '256', '--');
      expect(inspectPdf(encrypted)).toMatchObject({ acceptable: false, refusals: [{ code: 'ENCRYPTED', errorCode: 'ENCRYPTED_PDF' }], facts: { encrypted: true } });
    }
  });

  test('unparseable files are refused with the real cause', () => {
    expect(inspectPdf(Buffer.from('<html>not a pdf</html>')).refusals).toEqual([{ code: 'UNPARSEABLE', errorCode: 'NOT_A_PDF', reason: expect.stringContaining('no "%PDF-" header') }]);
    const cyclic = classicPdf([catalog, { num: 2, body: '<< /Type /Pages /Kids [2 0 R] /Count 1 >>' }]);
    expect(inspectPdf(cyclic).refusals).toEqual([{ code: 'UNPARSEABLE', errorCode: 'REFERENCE_CYCLE', reason: expect.stringContaining('the page tree loops') }]);
  });

  test('damage met past the page tree (a misplaced content stream) is looked at rebuilt', () => {
    const plain = classicPdf(simpleDocument());
    const text = plain.toString('latin1');
    const at = String(text.indexOf('4 0 obj')).padStart(10, '0');
    const misplaced = Buffer.from(text.replace(`${at} 00000 n`, `${String(Number(at) + 3).padStart(10, '0')} 00000 n`), 'latin1');
    expect(inspectPdf(misplaced)).toMatchObject({ acceptable: true, facts: { pageCount: 1, damaged: { reason: expect.stringContaining('object 4 is said to be at byte') } } });
  });

  test('JavaScript is found wherever a reader would run it', () => {
    const cases: [string, Buffer, RegExp][] = [
      ['an /OpenAction', withCatalog('/OpenAction 5 0 R', [{ num: 5, body: '<< /S /JavaScript /JS (app.alert\\(1\\)) >>' }]), /JavaScript action in object 5/],
      ['a page /AA trigger', classicPdf([catalog, pages, { num: 3, body: '<< /Type /Page /Parent 2 0 R /AA << /O << /S /JavaScript /JS 5 0 R >> >> >>' }, content, { num: 5, body: stream('', 'app.alert(1)') }]), /JavaScript action in object 3 at \/AA \/O/],
      ['the document-level name tree', withCatalog('/Names << /JavaScript << /Names [(init) << /S /JavaScript /JS (x) >>] >> >>'), /document-level JavaScript .* at \/Names \/JavaScript/],
      ['a link annotation', classicPdf([catalog, pages, { num: 3, body: '<< /Type /Page /Parent 2 0 R /Annots [5 0 R] >>' }, content, { num: 5, body: '<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /JavaScript /JS (x) >> >>' }]), /JavaScript action in object 5 at \/A/],
      ['a bookmark', withCatalog('/Outlines 5 0 R', [{ num: 5, body: '<< /First 6 0 R /Last 6 0 R >>' }, { num: 6, body: '<< /Title (a) /Parent 5 0 R /A << /S /JavaScript /JS (x) >> >>' }]), /JavaScript action in object 6/],
      ['a chained /Next action', withCatalog('/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next << /S /JavaScript /JS (x) >> >>'), /JavaScript action in object 1 at \/OpenAction \/Next/],
      ['a Launch action', withCatalog('/OpenAction << /S /Launch /F (cmd.exe) >>'), /Launch action .* in object 1 at \/OpenAction/],
      ['an XFA form', withCatalog('/AcroForm << /Fields [] /XFA 5 0 R >>', [{ num: 5, body: stream('', '<xdp:xdp/>') }]), /XFA form/],
    ];
    for (const [where, pdf, reason] of cases) {
      const r = inspectPdf(pdf);
      expect({ where, acceptable: r.acceptable }).toEqual({ where, acceptable: false });
      expect(r.refusals.map((x) => `${x.code}: ${x.reason}`)).toContainEqual(expect.stringMatching(new RegExp(`^ACTIVE_CONTENT: .*${reason.source}`)));
    }
    // A link to a web page is no active content.
    expect(inspectPdf(withCatalog('/OpenAction << /S /URI /URI (https://example.org) >>')).acceptable).toBe(true);
  });

  test('embedded files: refused outside PDF/A-2/3, accepted inside it unless they are programs', () => {
    const pdfa3 = transform(ghostscript(classicPdf(simpleDocument())), (i, o) => ['gs', ['-q', '-dPDFA=3', '-dBATCH', '-dNOPAUSE', '-dPDFACompatibilityPolicy=1', '-sColorConversionStrategy=RGB', '-sDEVICE=pdfwrite', `-sOutputFile=${o}`, i]]);
    const attach = (pdf: Buffer, name: string, content: string | Buffer) => {
      const file = join(dir, name);
      writeFileSync(file, content);
      return qpdf(pdf, '--add-attachment', file, '--');
    };
    const plain = classicPdf(simpleDocument());
    expect(reasons(attach(plain, 'invoice.xml', '<invoice/>'))).toEqual([expect.stringMatching(/^EMBEDDED_FILE: an embedded file "invoice.xml" in object \d+ \(embedded files are accepted only in PDF\/A-2 and PDF\/A-3 documents\)$/)]);

    const zugferd = inspectPdf(attach(pdfa3, 'invoice.xml', '<invoice/>'));
    expect(zugferd).toMatchObject({ acceptable: true, facts: { pdfa: { part: 3, conformance: 'B' }, embeddedFiles: [{ name: 'invoice.xml', executable: false }] } });
    expect(reasons(attach(pdfa3, 'setup.exe', 'harmless bytes'))).toEqual([expect.stringMatching(/^ACTIVE_CONTENT: an embedded file "setup.exe" .*program or script \(its name ends in \.exe\)/)]);
    expect(reasons(attach(pdfa3, 'report.txt', Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(200)])))).toEqual([expect.stringMatching(/"report.txt" .*its content is a Windows program/)]);
    // PDF/A stays accepted as it is.
    const pdfa2 = transform(classicPdf(simpleDocument()), (i, o) => ['gs', ['-q', '-dPDFA=2', '-dBATCH', '-dNOPAUSE', '-dPDFACompatibilityPolicy=1', '-sColorConversionStrategy=RGB', '-sDEVICE=pdfwrite', `-sOutputFile=${o}`, i]]);
    expect(inspectPdf(pdfa2)).toMatchObject({ acceptable: true, facts: { pdfa: { part: 2, conformance: 'B' } } });
  });

  test('signatures our incremental update would break, or our verifier cannot account for', async () => {
    const formal = withFormalSignature(classicPdf(simpleDocument()));
    const ours = await signPdf(classicPdf(simpleDocument()), { identity: pki.personId, appearance: { kind: 'invisible' } });
    expect(inspectPdf(ours)).toMatchObject({ acceptable: true, facts: { signed: true, signatureCount: 1 } });

    const certified = Buffer.from(formal.toString('latin1').replace('/AcroForm', '/Perms << /DocMDP 11 0 R >> /AcroForm').replace('/M (D:', '/Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P 1 /V /1.2 >> >>] /M (D:'), 'latin1');
    expect(reasons(fixOffsets(certified))).toContainEqual(expect.stringMatching(/^SIGNATURE_WOULD_BREAK: .*certified with "no changes allowed" \(DocMDP P=1\)/));
    const usageRights = fixOffsets(Buffer.from(formal.toString('latin1').replace('/AcroForm', '/Perms << /UR3 11 0 R >> /AcroForm'), 'latin1'));
    expect(reasons(usageRights)).toContainEqual(expect.stringMatching(/usage-rights signature/));
    const rsaSha1 = Buffer.from(formal.toString('latin1').replace('/ETSI.CAdES.detached', '/adbe.x509.rsa_sha1 '), 'latin1');
    expect(reasons(rsaSha1)).toEqual(['SIGNATURE_WOULD_BREAK: signature "Signature1" is of SubFilter adbe.x509.rsa_sha1, which our verifier cannot check']);
    const orphan = withCatalog('/Extra 5 0 R', [{ num: 5, body: '<< /Type /Sig /ByteRange [0 1 2 3] /Contents <00> >>' }]);
    expect(reasons(orphan)).toEqual(['SIGNATURE_WOULD_BREAK: 1 signature dictionary is not the value of any signature field, so no verifier accounts for it']);
  });

  describe('the strip policy', () => {
    const scripted = () =>
      withCatalog('/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next [5 0 R] >> /Names << /JavaScript 6 0 R /EmbeddedFiles 8 0 R >> /AcroForm << /Fields [] /XFA 11 0 R >>', [
        { num: 5, body: '<< /S /JavaScript /JS (app.alert\\(1\\)) /Next 7 0 R >>' },
        { num: 6, body: '<< /Names [(a) 7 0 R] >>' },
        { num: 7, body: '<< /S /Launch /F (calc.exe) >>' },
        { num: 8, body: '<< /Names [(x.exe) 9 0 R] >>' },
        { num: 9, body: '<< /Type /Filespec /F (x.exe) /EF << /F 10 0 R >> >>' },
        { num: 10, body: stream('/Type /EmbeddedFile /Filter /FlateDecode', deflateSync(Buffer.from('MZ this is a program'))) },
        { num: 11, body: stream('', '<xdp:xdp><script>x</script></xdp:xdp>') },
      ]);

    test('an unsigned file comes back rewritten without its scripts, actions and refused files', () => {
      const result = inspectPdf(scripted(), { activeContent: 'strip' });
      expect(result.acceptable).toBe(true);
      expect(result.stripped?.removed.map((r) => r.kind).sort()).toEqual(['embedded-file', 'javascript', 'javascript', 'launch', 'xfa']);
      const stripped = result.stripped?.pdf as Buffer;
      const text = stripped.toString('latin1');
      for (const gone of ['/JavaScript', '/JS', '/Launch', '/XFA', '/EmbeddedFile', 'calc.exe', 'app.alert']) expect(text).not.toContain(gone);
      expect(qpdfCheck(stripped)).toMatchObject({ status: 0 });
      expect(inspectPdf(stripped)).toMatchObject({ acceptable: true, facts: { pageCount: 1, activeContent: [] } });
      // What is not active content stays: the GoTo that the script was chained to, its /Next emptied.
      expect(text).toContain('/OpenAction <</S /GoTo/D [3 0 R /Fit]/Next [null]>>');
    });

    test('a signed file is not rewritten: the refusal stays, with the reason', async () => {
      const signed = await signPdf(scripted(), { identity: pki.personId, appearance: { kind: 'invisible' } });
      const result = inspectPdf(signed, { activeContent: 'strip' });
      expect(result.stripped).toBeUndefined();
      expect(result.refusals.map((r) => r.reason)).toContainEqual(expect.stringMatching(/JavaScript action in object 5 \(not removed: the file is signed, and removing it would break the signature\)/));
    });

    test('a damaged file comes back stripped and repaired', () => {
      const damaged = Buffer.from(scripted().toString('latin1').replace(/startxref\s+\d+/, 'startxref\n3'), 'latin1');
      const result = inspectPdf(damaged, { activeContent: 'strip' });
      expect(result.facts.damaged?.reason).toMatch(/startxref points to byte 3/);
      expect(qpdfCheck(result.stripped?.pdf as Buffer)).toMatchObject({ status: 0 });
      expect(inspectPdf(result.stripped?.pdf as Buffer).facts.damaged).toBeUndefined();
    });
  });
});

/** qpdf rewrites a hand-edited file with correct offsets (the edits above change lengths). */
function fixOffsets(pdf: Buffer): Buffer {
  return qpdf(pdf, '--qdf', '--no-original-object-ids');
}
