import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSigningIdentity } from '@edoc/pki';
import { type SignPdfOptions, signPdf, signPdfFile, verifyPdf } from '@edoc/pdf-sign';
import { pdfLibDocument } from './helpers/inputs';
import { type TestPki, makeTestPki } from './helpers/pki-fixture';

/** Bad input gets a clear error naming the problem, and never an output file. */
describe('bad input', () => {
  let pki: TestPki;
  let good: Buffer;
  let dir: string;
  let opts: SignPdfOptions;

  beforeAll(async () => {
    pki = makeTestPki();
    good = await pdfLibDocument({ objectStreams: false, pages: 1 });
    dir = mkdtempSync(join(tmpdir(), 'edoc-bad-'));
    opts = { identity: pki.personId, appearance: { kind: 'invisible' } };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Damaged cross-reference data over objects that are all there is repaired instead: damaged-files.spec.ts.
  const cases: [string, () => Buffer, string, RegExp, Partial<SignPdfOptions>][] = [
    ['something that is not a PDF', () => Buffer.from('<html><body>hello</body></html>'), 'NOT_A_PDF', /not a PDF/, {}],
    ['an empty file', () => Buffer.alloc(0), 'NOT_A_PDF', /not a PDF/, {}],
    // Rebuilding finds the objects of the first half only: signing half a document is refused.
    ['a file truncated in the middle', () => good.subarray(0, Math.floor(good.length / 2)), 'TRUNCATED_PDF', /truncated.*the document refers to (is|are) not in the file/, {}],
    ['a damaged file with repair turned off', () => Buffer.from(good.toString('latin1').replace(/startxref\s+\d+/, 'startxref\n20'), 'latin1'), 'BROKEN_XREF', /neither an xref table nor an xref stream/, { repairDamaged: false }],
  ];

  test.each(cases)('%s', async (_name, make, code, message, extra) => {
    const pdf = make();
    await expect(signPdf(pdf, { ...opts, ...extra })).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    const input = join(dir, 'in.pdf');
    const output = join(dir, 'out.pdf');
    writeFileSync(input, pdf);
    await expect(signPdfFile(input, output, { ...opts, ...extra })).rejects.toMatchObject({ code });
    expect(existsSync(output)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('a signature too large for a placeholder the caller fixed', async () => {
    const attempt = signPdf(good, { ...opts, signatureSize: 400 });
    await expect(attempt).rejects.toMatchObject({ code: 'SIGNATURE_TOO_LARGE', message: expect.stringMatching(/does not fit the 400 bytes reserved/) });
    const output = join(dir, 'too-large.pdf');
    writeFileSync(join(dir, 'good.pdf'), good);
    await expect(signPdfFile(join(dir, 'good.pdf'), output, { ...opts, signatureSize: 400 })).rejects.toMatchObject({ code: 'SIGNATURE_TOO_LARGE' });
    expect(existsSync(output)).toBe(false);
  });

  test('a time-stamp token larger than estimated is retried with a bigger placeholder', async () => {
    const tsa = { timestamp: pki.tsa.timestamp.bind(pki.tsa), estimatedTokenSize: () => 10 };
    const signed = await signPdf(good, { ...opts, timestamp: tsa });
    expect(verifyPdf(signed, { anchorsPem: pki.anchorsPem }).signatures[0].indication).toBe('TOTAL_PASSED');
  });

  test('a failing time-stamp authority is reported and nothing is written', async () => {
    const down = { timestamp: async () => Promise.reject(new Error('connection refused')) };
    await expect(signPdf(good, { ...opts, timestamp: down })).rejects.toMatchObject({ code: 'TIMESTAMP_FAILED', message: expect.stringContaining('connection refused') });
    const liar = { timestamp: async () => pki.tsa.timestamp(Buffer.alloc(32, 7), 'sha256') };
    await expect(signPdf(good, { ...opts, timestamp: liar })).rejects.toMatchObject({ code: 'TIMESTAMP_FAILED', message: expect.stringContaining('message imprint mismatch') });
  });

  test('a key that does not match its certificate is refused before signing, without showing the key', () => {
    let error: Error | undefined;
    try {
      loadSigningIdentity({ certificatePem: pki.person.certificatePem, privateKeyPem: pki.org.privateKeyPem });
    } catch (e) {
      error = e as Error;
    }
    expect(error).toMatchObject({ code: 'KEY_MISMATCH', message: expect.stringContaining('does not match') });
    expect(error?.message).not.toContain('PRIVATE KEY');
    expect(error?.message).not.toContain(pki.org.privateKeyPem.split('\n')[1]);
  });

  test('options that make no sense are refused by name', async () => {
    await expect(signPdf(good, { ...opts, identity: {} as never })).rejects.toMatchObject({ code: 'BAD_ARGUMENT', message: expect.stringContaining('signing identity') });
    await expect(signPdf(good, { ...opts, fieldName: 'a.b' })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(signPdf(good, { ...opts, signingTime: new Date('nope') })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(signPdf(good, { ...opts, appearance: { kind: 'stamp' } as never })).rejects.toMatchObject({ code: 'BAD_ARGUMENT', message: expect.stringContaining('unknown appearance kind') });
    const once = await signPdf(good, { ...opts, fieldName: 'ChuKy' });
    await expect(signPdf(once, { ...opts, fieldName: 'ChuKy' })).rejects.toMatchObject({ code: 'BAD_ARGUMENT', message: expect.stringContaining('already has a field named "ChuKy"') });
  });
});
