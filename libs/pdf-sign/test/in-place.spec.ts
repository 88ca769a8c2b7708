import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCertificatePem, parseCrlsPem, type TimestampProvider } from '@edoc/pki';
import { addValidationDataFile, signPdfFile, timestampPdfFile, verifyPdf } from '@edoc/pdf-sign';
import { pdfsig, qpdfCheck } from './helpers/external-tools';
import { pdfLibDocument } from './helpers/inputs';
import { ORG, type TestPki, makeTestPki } from './helpers/pki-fixture';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const unreachableTsa: TimestampProvider = {
  timestamp: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:3180')),
};

/**
 * Output and input the same file: each update is appended to the file itself (no copy, no new
 * file: creating one costs more than a signature on some file systems), and a failure leaves it as
 * it was. Signing applies the organisation's seal, its validation data and its time-stamp this way.
 */
describe('signing, validation data and time-stamps appended in place', () => {
  let pki: TestPki;
  let dir: string;
  let path: string;
  let original: Buffer;

  beforeAll(async () => {
    pki = makeTestPki();
    original = await pdfLibDocument({ objectStreams: false, pages: 1 });
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'edoc-in-place-'));
    path = join(dir, 'document.pdf');
    writeFileSync(path, original);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('PAdES B-LTA in one file: each step keeps the bytes before it, and qpdf, poppler and our verifier accept the result', async () => {
    const inode = statSync(path).ino;
    const seal = { kind: 'organisation' as const, numberNotation: '12/UBND-VP', issuedDate: '06/12/2026', orgName: ORG.orgName };
    const signed = await signPdfFile(path, path, { identity: pki.orgId, appearance: seal, timestamp: pki.tsa, durable: false });
    const afterSignature = readFileSync(path);
    expect(signed.bytesWritten).toBe(afterSignature.length);
    expect(afterSignature.subarray(0, original.length).equals(original)).toBe(true);

    const data = { certificates: [parseCertificatePem(pki.ca.certificatePem).der], crls: [parseCrlsPem(pki.crl, 'CRL')[0].der] };
    const withData = addValidationDataFile(path, path, data, { durable: false });
    const afterData = readFileSync(path);
    expect(withData.bytesWritten).toBe(afterData.length);
    expect(afterData.length).toBeGreaterThan(afterSignature.length);
    expect(afterData.subarray(0, afterSignature.length).equals(afterSignature)).toBe(true);

    await timestampPdfFile(path, path, { timestamp: pki.tsa, durable: false });
    const final = readFileSync(path);
    expect(final.subarray(0, afterData.length).equals(afterData)).toBe(true);

    const report = verifyPdf(final, { anchorsPem: pki.anchorsPem, crlsPem: [pki.crl] });
    expect(report.signatures.map((s) => [s.kind, s.indication])).toEqual([
      ['signature', 'TOTAL_PASSED'],
      ['document-timestamp', 'TOTAL_PASSED'],
    ]);
    expect(qpdfCheck(final).status).toBe(0);
    expect(pdfsig(final)[0]?.valid).toBe(true);
    // The same file all along (a copy renamed over it would be another inode), and nothing beside it.
    expect(statSync(path).ino).toBe(inode);
    expect(readdirSync(dir)).toEqual(['document.pdf']);
  });

  test('a time-stamp authority out of reach fails the signature and leaves the file exactly as it was', async () => {
    await expect(signPdfFile(path, path, { identity: pki.orgId, appearance: { kind: 'invisible' }, timestamp: unreachableTsa, durable: false })).rejects.toMatchObject({ code: 'TIMESTAMP_FAILED' });
    expect(sha256(readFileSync(path))).toBe(sha256(original));
    expect(readdirSync(dir)).toEqual(['document.pdf']);
  });

  test('a document time-stamp that fails leaves the signed file exactly as it was', async () => {
    await signPdfFile(path, path, { identity: pki.orgId, appearance: { kind: 'invisible' }, durable: false });
    const signed = readFileSync(path);
    await expect(timestampPdfFile(path, path, { timestamp: unreachableTsa, durable: false })).rejects.toMatchObject({ code: 'TIMESTAMP_FAILED' });
    expect(sha256(readFileSync(path))).toBe(sha256(signed));
    expect(readdirSync(dir)).toEqual(['document.pdf']);
  });
});
