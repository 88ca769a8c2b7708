import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectPdf, signPdf, signPdfDetailed, signPdfFile, verifyPdf } from '@edoc/pdf-sign';
import { pdfsig, qpdfCheck, run, withTempDir } from './helpers/external-tools';
import { fixture, pdfLibDocument, withEarlierUpdate } from './helpers/inputs';
import { type TestPki, makeTestPki } from './helpers/pki-fixture';
import { classicPdf, simpleDocument } from '@edoc/testing';
import { appendUpdate } from './helpers/tamper';

/**
 * Files whose cross-reference data is damaged but whose objects are all there: qpdf rebuilds
 * them, and so do we. An unsigned one is rewritten and then signed; a signed one is refused for
 * signing (the rewrite would break its signature) and still verified, with the damage noted.
 */
describe('damaged files', () => {
  let pki: TestPki;
  let good: Buffer;
  let letter: Buffer;

  beforeAll(async () => {
    pki = makeTestPki();
    good = await pdfLibDocument({ objectStreams: false, pages: 3 });
    letter = withEarlierUpdate(fixture('cong-van.pdf'));
  });

  const latin1 = (pdf: Buffer, edit: (text: string) => string) => Buffer.from(edit(pdf.toString('latin1')), 'latin1');
  const cases: [string, () => Buffer, RegExp][] = [
    ['a file truncated inside its trailer', () => good.subarray(0, good.lastIndexOf('startxref') + 4), /no "startxref"/],
    ['startxref pointing past the end', () => latin1(good, (t) => t.replace(/startxref\s+\d+/, 'startxref\n99999999')), /outside the file/],
    ['startxref pointing at nothing', () => latin1(good, (t) => t.replace(/startxref\s+\d+/, 'startxref\n20')), /neither an xref table nor an xref stream/],
    ['xref entries pointing at the wrong bytes', () => shiftXrefOffsets(good), /object \d+ is said to be at byte/],
    ['a real letter whose /Prev is damaged', () => latin1(letter, (t) => replaceLast(t, /\/Prev \d+/, '/Prev 77')), /\/Prev points to byte 77/],
    ['a /Prev chain that loops', () => latin1(letter, (t) => replaceLast(t, /\/Prev \d+/, `/Prev ${lastStartxref(t)}`)), /loops back/],
    ['an absurd /Size', () => latin1(good, (t) => t.replace(/\/Size \d+/, '/Size 2147483647')), /object numbers run to 2147483647/],
  ];

  test.each(cases)('%s: qpdf rebuilds it, we repair and sign it, and the result is sound', async (_name, make, reason) => {
    const damaged = make();
    expect(qpdfCheck(damaged).status).not.toBe(2); // 2 = errors qpdf could not recover from

    const { pdf: signed, repaired } = await signPdfDetailed(damaged, { identity: pki.personId, appearance: { kind: 'invisible' } });
    expect(repaired?.reason).toMatch(reason);
    expect(qpdfCheck(signed)).toMatchObject({ status: 0 });
    expect(pdfsig(signed)).toMatchObject([{ valid: true, coversWholeDocument: true }]);
    const report = verifyPdf(signed, { anchorsPem: pki.anchorsPem });
    expect(report.damaged).toBeUndefined();
    expect(report.signatures.map((s) => s.indication)).toEqual(['TOTAL_PASSED']);
    // The repair changed the bytes, not the document: every page reads the same.
    expect(pdfText(signed)).toBe(pdfText(damaged));

    const read = verifyPdf(damaged, { anchorsPem: pki.anchorsPem });
    expect(read).toMatchObject({ signatures: [], damaged: { reason: expect.stringMatching(reason) } });
    expect(inspectPdf(damaged)).toMatchObject({ acceptable: true, facts: { damaged: { reason: expect.stringMatching(reason) } } });
  });

  test('damage met only while preparing the signature (a misplaced page) is repaired too', async () => {
    // The catalog and the form read fine; only the page, read later, is not where the xref says.
    const misplaced = latin1(classicPdf(simpleDocument()), (t) => t.replace(/^(\d{10})( 00000 n\r)$/gm, (line, off: string, rest: string) => (Number(off) === t.indexOf('3 0 obj') ? `${pad(Number(off) + 5)}${rest}` : line)));
    const { pdf: signed, repaired } = await signPdfDetailed(misplaced, { identity: pki.personId, appearance: { kind: 'invisible' } });
    expect(repaired?.reason).toMatch(/object 3 is said to be at byte \d+, but no object starts there/);
    expect(qpdfCheck(signed)).toMatchObject({ status: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'edoc-damaged-'));
    try {
      writeFileSync(join(dir, 'in.pdf'), misplaced);
      const result = await signPdfFile(join(dir, 'in.pdf'), join(dir, 'out.pdf'), { identity: pki.personId, appearance: { kind: 'invisible' } });
      expect(result.repaired?.reason).toMatch(/object 3/);
      expect(verifyPdf(readFileSync(result.outputPath), { anchorsPem: pki.anchorsPem }).signatures.map((s) => s.indication)).toEqual(['TOTAL_PASSED']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('verification rebuilds the file when damage shows only while comparing revisions', async () => {
    const once = await signPdf(classicPdf(simpleDocument()), { identity: pki.personId, appearance: { kind: 'invisible' } });
    const twice = await signPdf(once, { identity: pki.orgId, appearance: { kind: 'invisible' } });
    // Misplace the page (object 3) in the newest xref table: only the first signature's comparison reads it.
    const text = twice.toString('latin1');
    const table = text.lastIndexOf('\nxref\n');
    const pageAt = text.lastIndexOf('\n3 0 obj') + 1;
    const misplaced = text.slice(0, table) + text.slice(table).replace(pad(pageAt), pad(pageAt + 5));
    expect(misplaced).not.toBe(text);

    const report = verifyPdf(Buffer.from(misplaced, 'latin1'), { anchorsPem: pki.anchorsPem });
    expect(report.damaged?.reason).toMatch(/object 3 is said to be at byte/);
    expect(report.signatures.map((s) => s.indication)).toEqual(['TOTAL_PASSED', 'TOTAL_FAILED']); // the second covers the edited table
    expect(report.signatures[0].checks.find((c) => c.name === 'later-revisions')).toMatchObject({ status: 'pass' });
  });

  test('signPdfFile writes the repaired file and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edoc-damaged-'));
    try {
      const input = join(dir, 'in.pdf');
      writeFileSync(input, cases[4][1]());
      const result = await signPdfFile(input, join(dir, 'out.pdf'), { identity: pki.orgId, appearance: { kind: 'invisible' } });
      expect(result.repaired?.reason).toMatch(/\/Prev points to byte 77/);
      const signed = readFileSync(result.outputPath);
      expect(signed.length).toBe(result.bytesWritten);
      expect(qpdfCheck(signed)).toMatchObject({ status: 0 });
      expect(verifyPdf(signed, { anchorsPem: pki.anchorsPem }).signatures.map((s) => s.indication)).toEqual(['TOTAL_PASSED']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a signed file whose later update is damaged: verified with a note, refused for signing', async () => {
    const signed = await signPdf(good, { identity: pki.personId, appearance: { kind: 'invisible' } });
    const info = /\/Info (\d+) 0 R/.exec(signed.toString('latin1'))?.[1];
    const updated = appendUpdate(signed, [{ num: Number(info), body: '<< /Title (annotated later) >>' }]);
    const damaged = latin1(updated, (t) => replaceLast(t, /startxref\s+\d+/, 'startxref\n5'));

    const report = verifyPdf(damaged, { anchorsPem: pki.anchorsPem });
    expect(report.damaged?.reason).toMatch(/startxref points to byte 5/);
    expect(report.signatures).toMatchObject([{ indication: 'TOTAL_PASSED', coversWholeFile: false }]);
    expect(report.signatures[0].checks.find((c) => c.name === 'later-revisions')?.detail).toMatch(/document metadata updated/);

    await expect(signPdf(damaged, { identity: pki.orgId, appearance: { kind: 'invisible' } })).rejects.toMatchObject({
      code: 'DAMAGED_SIGNED_PDF',
      message: expect.stringMatching(/already signed.*startxref points to byte 5.*break the signature/),
    });
    expect(inspectPdf(damaged).refusals).toContainEqual({ code: 'SIGNATURE_WOULD_BREAK', reason: expect.stringMatching(/damaged/) });
  });

  test('bytes after %%EOF are not damage: the file is signed as it is', async () => {
    const padded = Buffer.concat([good, Buffer.alloc(8192, 0x41), Buffer.from('\n%%EOF garbage\n')]);
    expect(qpdfCheck(padded).status).not.toBe(2);
    const { pdf: signed, repaired } = await signPdfDetailed(padded, { identity: pki.personId, appearance: { kind: 'invisible' } });
    expect(repaired).toBeUndefined();
    expect(signed.subarray(0, padded.length).equals(padded)).toBe(true);
    expect(verifyPdf(signed, { anchorsPem: pki.anchorsPem }).signatures.map((s) => s.indication)).toEqual(['TOTAL_PASSED']);
    expect(pdfsig(signed)).toMatchObject([{ valid: true }]);
  });

  test('startxref is found behind up to 1 MiB of trailing bytes; beyond that the file is rebuilt', async () => {
    const far = Buffer.concat([good, Buffer.alloc(1024 * 1024 - 100, 0x20)]);
    expect((await signPdfDetailed(far, { identity: pki.personId, appearance: { kind: 'invisible' } })).repaired).toBeUndefined();
    const beyond = Buffer.concat([good, Buffer.alloc(1024 * 1024 + 100, 0x20)]);
    expect((await signPdfDetailed(beyond, { identity: pki.personId, appearance: { kind: 'invisible' } })).repaired?.reason).toMatch(/no "startxref" in its last 1048576 bytes/);
  });
});

/** Moves every in-use xref offset by 7 bytes, as a careless editor would. */
function shiftXrefOffsets(pdf: Buffer): Buffer {
  const text = pdf.toString('latin1');
  const at = text.lastIndexOf('\nxref');
  const fixed = text.slice(at).replace(/^(\d{10}) (\d{5}) n/gm, (_m, off: string, gen: string) => `${String(Number(off) + 7).padStart(10, '0')} ${gen} n`);
  return Buffer.from(text.slice(0, at) + fixed, 'latin1');
}

const pad = (n: number) => String(n).padStart(10, '0');

function replaceLast(text: string, pattern: RegExp, by: string): string {
  const all = [...text.matchAll(new RegExp(pattern.source, 'g'))];
  const last = all[all.length - 1];
  if (!last || last.index === undefined) throw new Error(`${pattern} not found`);
  return text.slice(0, last.index) + by + text.slice(last.index + last[0].length);
}

function lastStartxref(text: string): string {
  return /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)?.[1] ?? '';
}

function pdfText(pdf: Buffer): string {
  return withTempDir((dir) => {
    writeFileSync(join(dir, 'in.pdf'), pdf);
    // -q: poppler's own complaints about the damaged input are not the text.
    return run('pdftotext', ['-q', '-layout', join(dir, 'in.pdf'), '-']).output;
  });
}
