import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCrl, createIssuingCa, createRootCa, issuePersonCertificate, loadSigningIdentity, parseCertificatePem } from '@edoc/pki';
import { signPdf } from '@edoc/pdf-sign';
import { PDFDocument } from 'pdf-lib';
import { buildVerifyCommand } from '../src/commands/verify';
import { runCli } from './sign-cli-runner';

describe('edoc verify', () => {
  let dir: string;
  const f = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edoc-cli-verify-'));
    const root = createRootCa({ commonName: 'Root', keyAlgorithm: 'ec-p256' });
    const ca = createIssuingCa(root, { commonName: 'Issuing', keyAlgorithm: 'ec-p256' });
    const person = issuePersonCertificate(ca, { orgCode: '000.00.12.H26', orgName: 'UBND', fullName: 'Đức', position: 'Chủ tịch', keyAlgorithm: 'ec-p256' });
    const identity = loadSigningIdentity({ certificatePem: person.certificatePem, privateKeyPem: person.privateKeyPem, chainPem: [ca.certificatePem] });
    const doc = await PDFDocument.create();
    doc.addPage();
    const signed = await signPdf(Buffer.from(await doc.save()), { identity, appearance: { kind: 'invisible' } });
    const tampered = Buffer.from(signed);
    tampered[20] ^= 1;
    writeFileSync(f('signed.pdf'), signed);
    writeFileSync(f('tampered.pdf'), tampered);
    writeFileSync(f('unsigned.pdf'), await doc.save());
    writeFileSync(f('root.pem'), root.certificatePem);
    writeFileSync(f('other.pem'), createRootCa({ commonName: 'Other', keyAlgorithm: 'ec-p256' }).certificatePem);
    writeFileSync(f('revoked.crl'), createCrl(ca, [{ serialHex: parseCertificatePem(person.certificatePem).serialHex, revokedAt: new Date(Date.now() - 60_000) }]));
    writeFileSync(f('text.txt'), 'hello');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('exit 0 and a JSON report when every signature passes', async () => {
    const r = await runCli(buildVerifyCommand, ['--json', '--trust', f('root.pem'), f('signed.pdf')]);
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.out);
    expect(report).toMatchObject({ valid: true, signatures: [{ indication: 'TOTAL_PASSED', signer: { orgCode: '000.00.12.H26' } }] });
    expect(report.signatures[0].checks.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['byte-range', 'digest', 'signature-value', 'signing-certificate-reference', 'certificate-chain', 'revocation', 'later-revisions']));
  });

  test('exit 1 when a signature failed', async () => {
    const tampered = await runCli(buildVerifyCommand, ['--trust', f('root.pem'), f('tampered.pdf')]);
    expect(tampered.out).toContain('TOTAL_FAILED / HASH_FAILURE');
    expect(tampered.exitCode).toBe(1);
    const revoked = await runCli(buildVerifyCommand, ['--trust', f('root.pem'), '--crl', f('revoked.crl'), f('signed.pdf')]);
    expect(revoked.out).toContain('TOTAL_FAILED / REVOKED');
    expect(revoked.exitCode).toBe(1);
  });

  test('exit 2 when indeterminate, unsigned or unreadable', async () => {
    expect((await runCli(buildVerifyCommand, ['--trust', f('other.pem'), f('signed.pdf')])).exitCode).toBe(2);
    const unsigned = await runCli(buildVerifyCommand, ['--trust', f('root.pem'), f('unsigned.pdf')]);
    expect(unsigned).toMatchObject({ exitCode: 2, out: expect.stringContaining('no signatures') });
    const text = await runCli(buildVerifyCommand, ['--trust', f('root.pem'), f('text.txt')]);
    expect(text).toMatchObject({ exitCode: 2, err: expect.stringContaining('not a PDF') });
    const missing = await runCli(buildVerifyCommand, ['--trust', f('root.pem'), f('missing.pdf')]);
    expect(missing).toMatchObject({ exitCode: 2, err: expect.stringContaining(`cannot read ${f('missing.pdf')}: ENOENT`) });
    const folder = await runCli(buildVerifyCommand, ['--trust', f('root.pem'), dir]);
    expect(folder).toMatchObject({ exitCode: 2, err: expect.stringContaining('not a regular file') });
    const noTrust = await runCli(buildVerifyCommand, ['--trust', f('text.txt'), f('signed.pdf')]);
    expect(noTrust).toMatchObject({ exitCode: 2, err: expect.stringContaining('no "-----BEGIN CERTIFICATE-----" block') });
  });

  test('several files: one report each, and the worst exit code', async () => {
    const r = await runCli(buildVerifyCommand, ['--trust', f('root.pem'), f('signed.pdf'), f('tampered.pdf'), f('text.txt')]);
    expect(r.out).toContain(`== ${f('signed.pdf')}`);
    expect(r.out).toContain(`== ${f('tampered.pdf')}`);
    expect(r.out).toContain(`${f('text.txt')}: not verified:`);
    expect(r.exitCode).toBe(2);
    const json = await runCli(buildVerifyCommand, ['--json', '--trust', f('root.pem'), f('signed.pdf'), f('tampered.pdf')]);
    expect(JSON.parse(json.out)).toMatchObject([{ file: f('signed.pdf'), report: { valid: true } }, { file: f('tampered.pdf'), report: { valid: false } }]);
    expect(json.exitCode).toBe(1);
  });
});

test("edoc verify fetches the CRLs a trusted chain's certificates point to, unless --offline", async () => {
  const crls = new Map<string, string>();
  const server = createServer((request, response) => {
    const crl = crls.get(request.url ?? '');
    if (crl === undefined) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(crl);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'edoc-cli-verify-online-'));
  try {
    const root = createRootCa({ commonName: 'Root', keyAlgorithm: 'ec-p256' });
    const ca = createIssuingCa(root, { commonName: 'Issuing', keyAlgorithm: 'ec-p256', crlUrl: `${base}/root.crl` });
    const person = issuePersonCertificate(ca, { orgCode: '000.00.12.H26', orgName: 'UBND', fullName: 'Đức', position: 'Chủ tịch', keyAlgorithm: 'ec-p256', crlUrl: `${base}/issuing.crl` });
    crls.set('/root.crl', createCrl(root, []));
    crls.set('/issuing.crl', createCrl(ca, []));
    const doc = await PDFDocument.create();
    doc.addPage();
    const identity = loadSigningIdentity({ certificatePem: person.certificatePem, privateKeyPem: person.privateKeyPem, chainPem: [ca.certificatePem] });
    writeFileSync(join(dir, 'signed.pdf'), await signPdf(Buffer.from(await doc.save()), { identity, appearance: { kind: 'invisible' } }));
    writeFileSync(join(dir, 'root.pem'), root.certificatePem);
    const args = ['--require-revocation', '--trust', join(dir, 'root.pem'), join(dir, 'signed.pdf')];

    const online = await runCli(buildVerifyCommand, args);
    expect(online.exitCode).toBe(0);
    expect(online.out).toMatch(new RegExp(`revocation data from ${base}/issuing.crl: CRL of \\S+, 0 revoked`));
    expect(online.out).toMatch(new RegExp(`revocation data from ${base}/root.crl: CRL of \\S+, 0 revoked`));

    const offline = await runCli(buildVerifyCommand, ['--offline', ...args]);
    expect(offline.exitCode).toBe(2);
    expect(offline.out).toContain('INDETERMINATE / TRY_LATER');
    expect(offline.out).not.toContain('revocation data from');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await new Promise((resolve) => server.close(resolve));
  }
});

test('edoc verify without --trust is a usage error', async () => {
  await expect(runCli(buildVerifyCommand, ['x.pdf'])).rejects.toThrow(/required option '--trust <pem>' not specified/);
});
