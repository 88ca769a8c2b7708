import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signPdf, timestampPdf, timestampPdfFile, verifyPdf } from '@edoc/pdf-sign';
import { extractSignatures, pdfsig, qpdfCheck, run, withTempDir } from './helpers/external-tools';
import { pdfLibDocument } from './helpers/inputs';
import { ORG, type TestPki, makeTestPki } from './helpers/pki-fixture';
import { appendUpdate } from './helpers/tamper';

/** `openssl ts -verify` of an embedded token over the bytes its /ByteRange names. */
function opensslTsVerify(pdf: Buffer, stamp: { byteRange: number[]; cms: Buffer }, pki: TestPki): { status: number; output: string } {
  return withTempDir((dir) => {
    const [a, b, c, d] = stamp.byteRange;
    writeFileSync(join(dir, 'data.bin'), Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]));
    writeFileSync(join(dir, 'token.der'), stamp.cms);
    writeFileSync(join(dir, 'root.pem'), pki.root.certificatePem);
    writeFileSync(join(dir, 'chain.pem'), pki.chainPem);
    return run('openssl', ['ts', '-verify', '-data', join(dir, 'data.bin'), '-in', join(dir, 'token.der'), '-token_in', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'chain.pem')]);
  });
}

/** A document time-stamp (ETSI.RFC3161) over a signed document: the archive time-stamp of PAdES B-LTA. */
describe('document time-stamps', () => {
  let pki: TestPki;
  let signed: Buffer;
  let stamped: Buffer;
  const trust = () => ({ anchorsPem: pki.anchorsPem, crlsPem: [pki.crl] });

  beforeAll(async () => {
    pki = makeTestPki();
    signed = await signPdf(await pdfLibDocument({ objectStreams: false, pages: 1 }), { identity: pki.orgId, appearance: { kind: 'organisation', numberNotation: '12/UBND-VP', issuedDate: '04/12/2026', orgName: ORG.orgName }, timestamp: pki.tsa });
    stamped = (await timestampPdf(signed, { timestamp: pki.tsa })).pdf;
  });

  test('is appended as an incremental update that leaves the signature valid, and both verify', () => {
    expect(stamped.subarray(0, signed.length).equals(signed)).toBe(true);
    const report = verifyPdf(stamped, trust());
    expect(report.signatures.map((s) => [s.kind, s.subFilter, s.indication])).toEqual([
      ['signature', 'ETSI.CAdES.detached', 'TOTAL_PASSED'],
      ['document-timestamp', 'ETSI.RFC3161', 'TOTAL_PASSED'],
    ]);
    expect(report.valid).toBe(true);
    const [signature, stamp] = report.signatures;
    expect(signature.checks.find((c) => c.name === 'later-revisions')?.status).toBe('pass');
    expect(stamp).toMatchObject({ coversWholeFile: true, signingTimeSource: 'timestamp', timestamp: { valid: true, tsa: expect.stringContaining('Edoc Test TSA') } });
    expect(stamp.signer).toBeUndefined();
  });

  test('openssl ts -verify accepts the embedded token over its byte ranges, and qpdf and poppler read the file', () => {
    const stamps = extractSignatures(stamped);
    expect(stamps).toHaveLength(2);
    const verified = opensslTsVerify(stamped, stamps[1], pki);
    expect(verified.output).toContain('Verification: OK');
    expect(qpdfCheck(stamped).status).toBe(0);
    // poppler lists the time-stamp as a second signature (of a type it calls unknown) and checks the first.
    const poppler = pdfsig(stamped);
    expect(poppler).toHaveLength(2);
    expect(poppler[0].valid).toBe(true);
  });

  test("a changed byte that the time-stamp covers (in the signature's /Contents padding) is its HASH_FAILURE, and openssl agrees", () => {
    const stamps = extractSignatures(stamped);
    const at = stamps[0].byteRange[2] - 10; // the signature's zero padding: inside the time-stamp's ranges
    expect(stamped[at]).toBe(0x30);
    const tampered = Buffer.from(stamped);
    tampered[at] = 0x31;
    const stamp = verifyPdf(tampered, trust()).signatures[1];
    expect({ kind: stamp.kind, indication: stamp.indication, subIndication: stamp.subIndication }).toEqual({ kind: 'document-timestamp', indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE' });
    expect(opensslTsVerify(tampered, stamps[1], pki).output).not.toContain('Verification: OK');
  });

  test('a TSA that chains to no trusted root leaves the time-stamp INDETERMINATE', () => {
    const stranger = makeTestPki();
    const stamp = verifyPdf(stamped, { anchorsPem: stranger.anchorsPem }).signatures[1];
    expect({ indication: stamp.indication, subIndication: stamp.subIndication }).toEqual({ indication: 'INDETERMINATE', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND' });
  });

  test('a later change to the content is reported against the time-stamp too', () => {
    const text = stamped.toString('latin1');
    const contentNum = Number(/\/Contents \[ (\d+) 0 R/.exec(text)?.[1]);
    expect(contentNum).toBeGreaterThan(0);
    const forged = 'BT /F1 14 Tf 72 760 Td (a forged sentence) Tj ET';
    const tampered = appendUpdate(stamped, [{ num: contentNum, body: `<< /Length ${forged.length} >>\nstream\n${forged}\nendstream` }]);
    const stamp = verifyPdf(tampered, trust()).signatures[1];
    expect({ indication: stamp.indication, subIndication: stamp.subIndication }).toEqual({ indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE' });
    expect(stamp.checks.find((c) => c.name === 'later-revisions')?.detail).toContain(`object ${contentNum}`);
  });

  test('a second time-stamp, file to file, covers the first: each verifies (renewal before the first TSA certificate expires)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edoc-doc-ts-'));
    try {
      writeFileSync(join(dir, 'in.pdf'), stamped);
      const result = await timestampPdfFile(join(dir, 'in.pdf'), join(dir, 'out.pdf'), { timestamp: pki.tsa });
      const renewed = readFileSync(join(dir, 'out.pdf'));
      expect(result.bytesWritten).toBe(renewed.length);
      expect(renewed.subarray(0, stamped.length).equals(stamped)).toBe(true);
      expect(verifyPdf(renewed, trust()).signatures.map((s) => [s.kind, s.indication])).toEqual([
        ['signature', 'TOTAL_PASSED'],
        ['document-timestamp', 'TOTAL_PASSED'],
        ['document-timestamp', 'TOTAL_PASSED'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a provider that fails is a TIMESTAMP_FAILED error, and nothing is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edoc-doc-ts-'));
    try {
      writeFileSync(join(dir, 'in.pdf'), signed);
      const failing = { timestamp: async () => Promise.reject(new Error('TSA unreachable')) };
      await expect(timestampPdfFile(join(dir, 'in.pdf'), join(dir, 'out.pdf'), { timestamp: failing })).rejects.toMatchObject({ code: 'TIMESTAMP_FAILED', message: expect.stringContaining('TSA unreachable') });
      expect(() => readFileSync(join(dir, 'out.pdf'))).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
