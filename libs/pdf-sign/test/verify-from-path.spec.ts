import fs from 'node:fs';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Indication, type TrustOptions, signPdf, verifyPdf } from '@edoc/pdf-sign';
import { pdfLibDocument } from './helpers/inputs';
import { type TestPki, makeTestPki } from './helpers/pki-fixture';
import { appendUpdate } from './helpers/tamper';

/**
 * verifyPdf given a path reads the file in blocks instead of holding it: the report must be the
 * one the Buffer form gives for the same bytes, whatever the file's signatures and revisions.
 */
/** Up to 1 MB a file is read whole when opened; past it, in blocks as the parser asks. */
const SIZES: [string, number][] = [
  ['a small file, read whole', 0],
  ['a file over 1 MB, read in blocks', 1_500_000],
];

describe.each(SIZES)('verifyPdf given a file path: %s', (_size, paddingBytes) => {
  let pki: TestPki;
  let dir: string;
  let signed: Buffer;
  let twice: Buffer;
  let trust: TrustOptions;

  beforeAll(async () => {
    pki = makeTestPki();
    dir = mkdtempSync(join(tmpdir(), 'edoc-verify-path-'));
    const input = await pdfLibDocument({ objectStreams: false, pages: 2, paddingBytes });
    signed = await signPdf(input, { identity: pki.personId, appearance: { kind: 'person', position: 'CHỦ TỊCH', fullName: 'Nguyễn Văn Đức' }, timestamp: pki.tsa });
    twice = await signPdf(signed, { identity: pki.orgId, appearance: { kind: 'invisible' } });
    // One validation time for both readings, so the reports can be compared whole.
    trust = { anchorsPem: pki.anchorsPem, crlsPem: [pki.crl], at: new Date() };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const onDisk = (name: string, pdf: Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, pdf);
    return path;
  };
  const latin1 = (pdf: Buffer, edit: (text: string) => string) => Buffer.from(edit(pdf.toString('latin1')), 'latin1');
  const objectNumber = (pdf: Buffer, pattern: RegExp) => Number(pattern.exec(pdf.toString('latin1'))?.[1]);

  const cases: [string, () => Buffer, Indication[]][] = [
    ['a signed, time-stamped file', () => signed, ['TOTAL_PASSED']],
    ['a file signed twice, in two revisions', () => twice, ['TOTAL_PASSED', 'TOTAL_PASSED']],
    ['a signed file with an unsigned later revision that only updates the metadata', () => appendUpdate(signed, [{ num: objectNumber(signed, /\/Info (\d+) 0 R/), body: '<< /Title (annotated later) >>' }]), ['TOTAL_PASSED']],
    [
      'one byte changed inside a signed range',
      () => latin1(signed, (t) => t.replace(/\/CreationDate \(D:(\d)/, (_m, d: string) => `/CreationDate (D:${d === '1' ? '2' : '1'}`)),
      ['TOTAL_FAILED'],
    ],
    [
      'an unsigned later revision that edits the signed page content',
      () => {
        const forged = 'BT /F1 14 Tf 72 760 Td (a forged sentence) Tj ET';
        return appendUpdate(signed, [{ num: objectNumber(signed, /\/Contents \[ (\d+) 0 R/), body: `<< /Length ${forged.length} >>\nstream\n${forged}\nendstream` }]);
      },
      ['TOTAL_FAILED'],
    ],
    [
      'a twice-signed file whose newest xref is damaged (read by rebuilding it)',
      () => {
        const updated = appendUpdate(twice, [{ num: objectNumber(twice, /\/Info (\d+) 0 R/), body: '<< /Title (annotated later) >>' }]);
        return latin1(updated, (t) => t.replace(/startxref\s+\d+(\s+%%EOF\s*)$/, 'startxref\n5$1'));
      },
      ['TOTAL_PASSED', 'TOTAL_PASSED'],
    ],
  ];

  test.each(cases)('%s: the same report as from a Buffer', (name, make, indications) => {
    const pdf = make();
    const fromBuffer = verifyPdf(pdf, trust);
    const fromPath = verifyPdf(onDisk(`${cases.findIndex((c) => c[0] === name)}.pdf`, pdf), trust);
    expect(fromPath).toEqual(fromBuffer);
    // Not two empty reports that merely agree: the signatures were read and judged.
    expect(fromPath.signatures.map((s) => s.indication)).toEqual(indications);
    expect(fromPath.fileLength).toBe(pdf.length);
  });

  test(paddingBytes === 0 ? 'the file is read once, when it is opened' : 'the file is read in pieces, none of them the whole file', () => {
    const path = onDisk('counted.pdf', twice);
    const reads = jest.spyOn(fs, 'readSync');
    try {
      expect(verifyPdf(path, trust).signatures).toHaveLength(2);
      // readSync(fd, buffer, offset, length, position): the length asked for.
      const lengths = reads.mock.calls.map((call) => (call as unknown[])[3] as number);
      if (paddingBytes === 0) expect(lengths).toEqual([twice.length]);
      else {
        expect(lengths.length).toBeGreaterThan(1);
        expect(Math.max(...lengths)).toBeLessThan(twice.length);
      }
    } finally {
      reads.mockRestore();
    }
  });

  test('the tampered byte is reported as such from a path', () => {
    const tampered = cases[3][1]();
    expect(verifyPdf(onDisk('tampered.pdf', tampered), trust).signatures[0]).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE' });
  });

  test('a damaged file read from a path says so, as from a Buffer', () => {
    const report = verifyPdf(onDisk('damaged.pdf', cases[5][1]()), trust);
    expect(report.damaged?.reason).toMatch(/startxref points to byte 5/);
  });

  test('the budget applies to a path as to a Buffer', () => {
    const path = onDisk('twice.pdf', twice);
    expect(() => verifyPdf(path, trust, { maxSignatures: 1 })).toThrow(expect.objectContaining({ code: 'BUDGET_EXCEEDED', message: expect.stringContaining('2 signatures') }));
  });

  test('what is not a readable PDF file throws, as from a Buffer', () => {
    expect(() => verifyPdf(onDisk('text.pdf', Buffer.from('hello')), trust)).toThrow(expect.objectContaining({ code: 'NOT_A_PDF' }));
    expect(() => verifyPdf(Buffer.from('hello'), trust)).toThrow(expect.objectContaining({ code: 'NOT_A_PDF' }));
    expect(() => verifyPdf(join(dir, 'missing.pdf'), trust)).toThrow(expect.objectContaining({ code: 'IO_ERROR', message: expect.stringContaining('ENOENT') }));
    const folder = join(dir, 'folder.pdf');
    mkdirSync(folder);
    expect(() => verifyPdf(folder, trust)).toThrow(expect.objectContaining({ code: 'IO_ERROR', message: expect.stringContaining('not a regular file') }));
    expect(() => verifyPdf(42 as unknown as string, trust)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
  });

  test('the file is closed after every verification, also one that throws', () => {
    const good = onDisk('closed.pdf', twice);
    const bad = onDisk('closed-bad.pdf', Buffer.from('%PDF-1.7 nothing else'));
    const open = () => readdirSync('/proc/self/fd').length;
    const before = open();
    for (let i = 0; i < 20; i++) {
      verifyPdf(good, trust);
      expect(() => verifyPdf(bad, trust)).toThrow();
      expect(() => verifyPdf(good, { anchorsPem: [] })).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    }
    expect(open()).toBe(before);
  });
});
