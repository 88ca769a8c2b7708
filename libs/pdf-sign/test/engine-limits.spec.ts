import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { inspectPdf, pageCount, signPdf, verifyPdf } from '@edoc/pdf-sign';
import { BufferSource } from '../src/core/byte-source';
import { PdfDocument } from '../src/core/pdf-document';
import { PdfRef } from '../src/core/pdf-objects';
import { classicPdf, flateBomb, simpleDocument, stream, xrefStreamPdf } from '@edoc/testing';
import { type TestPki, makeTestPki } from './helpers/pki-fixture';

const MiB = 1024 * 1024;

/** The findings of the hostile tester, one by one, and the budgets that bound every decoder. */
describe('engine limits', () => {
  let pki: TestPki;
  let dir: string;
  const doc = simpleDocument();
  const [catalog, pages, page, content] = doc;
  const sign = (pdf: Buffer, extra = {}) => signPdf(pdf, { identity: pki.personId, appearance: { kind: 'invisible' }, ...extra });

  beforeAll(() => {
    pki = makeTestPki();
    dir = mkdtempSync(join(tmpdir(), 'edoc-limits-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // First in the file, so that the peak RSS measured is this test's own.
  test('a 2 MB file whose object stream inflates to 2 GiB fails after inflating 32 MiB at most, in bounded memory', async () => {
    const bomb = xrefStreamPdf([content], [catalog, pages, page], { objStmData: flateBomb(2 * 1024 * MiB) });
    const file = join(dir, 'bomb.pdf');
    writeFileSync(file, bomb);
    expect(bomb.length).toBeGreaterThan(2 * MiB);
    const peakBefore = process.resourceUsage().maxRSS / 1024;

    const refusal = { code: 'BUDGET_EXCEEDED', message: expect.stringMatching(/object stream 90 decompresses to more than \d+ bytes.*decompression bomb/) };
    await expect(sign(bomb)).rejects.toMatchObject(refusal);
    expect(() => verifyPdf(bomb, { anchorsPem: pki.anchorsPem })).toThrow(expect.objectContaining(refusal));
    expect(() => pageCount(file)).toThrow(expect.objectContaining(refusal));
    expect(inspectPdf(file).refusals).toEqual([{ code: 'OVER_BUDGET', errorCode: 'BUDGET_EXCEEDED', reason: refusal.message }]);

    // Work, not time (a clock fails on a busy machine): each attempt stops at the 32 MiB one stream
    // may take, where inflating it all would take 2 GiB; and memory stays bounded.
    const inflated = Number(/decompresses to more than (\d+) bytes/.exec(((await sign(bomb).catch((error: unknown) => error)) as Error).message)?.[1]);
    expect(inflated).toBeGreaterThan(0);
    expect(inflated).toBeLessThanOrEqual(32 * MiB);
    expect(process.resourceUsage().maxRSS / 1024 - peakBefore).toBeLessThan(150);
  });

  test('the decompression budget is the document\'s, and configurable', async () => {
    // 2 MiB of padding compresses to a few KB: over 20 × the file size, so refused by default.
    const padded = xrefStreamPdf([content], [catalog, pages, page], { objStmData: deflateSync(objectStreamWithPadding([catalog, pages, page], 2 * MiB)) });
    expect(padded.length).toBeLessThan(50 * 1024);
    await expect(sign(padded)).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED', message: expect.stringContaining('past its budget of 1048576 bytes') });
    await expect(sign(padded, { budget: { maxInflatedBytes: 4 * MiB } })).resolves.toBeInstanceOf(Buffer);
    expect(pageCount(padded, { maxInflatedBytes: 4 * MiB })).toBe(1);
    expect(inspectPdf(padded, { budget: { maxInflatedBytes: 4 * MiB } }).acceptable).toBe(true);
    await expect(sign(padded, { budget: { maxInflatedBytes: -1 } })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });

  test('10,000 nested arrays are refused for their nesting, not as broken cross-reference data', async () => {
    const nested = classicPdf(simpleDocument({ pageExtra: `/X ${'['.repeat(10_000)}${']'.repeat(10_000)}` }));
    await expect(sign(nested)).rejects.toMatchObject({ code: 'NESTING_TOO_DEEP', message: expect.stringMatching(/nested more than 100 levels deep/) });
    const deep150 = classicPdf(simpleDocument({ pageExtra: `/X ${'['.repeat(150)}${']'.repeat(150)}` }));
    await expect(sign(deep150)).rejects.toMatchObject({ code: 'NESTING_TOO_DEEP' });
    await expect(sign(deep150, { budget: { maxNestingDepth: 200 } })).resolves.toBeInstanceOf(Buffer);
  });

  test('the object budget counts cross-reference entries and object-stream members', async () => {
    const many = classicPdf([...doc, ...Array.from({ length: 2000 }, (_, i) => ({ num: 10 + i, body: `${i}` }))]);
    await expect(sign(many, { budget: { maxObjects: 1000 } })).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED', message: expect.stringContaining('more than 1000 objects') });
    await expect(sign(many)).resolves.toBeInstanceOf(Buffer);
  });

  test('a stream whose /Length is itself, also inside an object stream, is read by finding endstream', async () => {
    const topLevel = classicPdf([catalog, pages, { num: 3, body: stream('/Type /Page /Parent 2 0 R /Length 3 0 R', 'x') }, content]);
    const inObjStm = xrefStreamPdf([content], [catalog, pages, page], { objStmDict: '/Length 90 0 R' });
    for (const pdf of [topLevel, inObjStm]) {
      const signed = await sign(pdf);
      expect(verifyPdf(signed, { anchorsPem: pki.anchorsPem }).signatures.map((s) => s.indication)).toEqual(['TOTAL_PASSED']);
    }
  });

  test('cycles are reported as cycles: references, /Parent, /Kids', () => {
    const cyclic = classicPdf([...doc, { num: 5, body: '6 0 R' }, { num: 6, body: '5 0 R' }, { num: 7, body: '<< /Type /Page /Parent 7 0 R >>' }]);
    const opened = PdfDocument.open(new BufferSource(cyclic));
    expect(() => opened.resolve(new PdfRef(5, 0))).toThrow(expect.objectContaining({ code: 'REFERENCE_CYCLE', message: 'reference cycle: object 5 → object 6 → object 5' }));
    expect(() => opened.pageOf(new PdfRef(7, 0))).toThrow(expect.objectContaining({ code: 'REFERENCE_CYCLE', message: expect.stringContaining('/Parent') }));
    const kidsLoop = classicPdf([catalog, { num: 2, body: '<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>' }, page, content]);
    expect(() => pageCount(kidsLoop)).toThrow(expect.objectContaining({ code: 'REFERENCE_CYCLE', message: expect.stringContaining('object 2 is reached twice') }));
  });

  test('verification checks at most maxSignatures signatures', async () => {
    const twice = await sign(await sign(classicPdf(doc), { fieldName: 'A' }), { fieldName: 'B' });
    expect(verifyPdf(twice, { anchorsPem: pki.anchorsPem }).signatures).toHaveLength(2);
    expect(() => verifyPdf(twice, { anchorsPem: pki.anchorsPem }, { maxSignatures: 1 })).toThrow(expect.objectContaining({ code: 'BUDGET_EXCEEDED', message: expect.stringContaining('2 signatures') }));
  });

  test('pageCount reads a file in small blocks and walks the tree rather than trusting /Count', () => {
    const lying = classicPdf([catalog, { num: 2, body: '<< /Type /Pages /Kids [3 0 R] /Count 1000000 >>' }, page, content]);
    const file = join(dir, 'lying.pdf');
    writeFileSync(file, lying);
    expect(pageCount(file)).toBe(1);
    expect(pageCount(lying)).toBe(1);
    expect(() => pageCount(join(dir, 'missing.pdf'))).toThrow(expect.objectContaining({ code: 'IO_ERROR' }));
  });
});

/** Object-stream data whose last member is followed by `padding` bytes of white space. */
function objectStreamWithPadding(objects: { num: number; body: string | Buffer }[], padding: number): Buffer {
  let header = '';
  let body = '';
  for (const o of objects) {
    header += `${o.num} ${body.length} `;
    body += `${o.body.toString()}\n`;
  }
  return Buffer.concat([Buffer.from(header + body, 'latin1'), Buffer.alloc(padding, 0x20)]);
}
