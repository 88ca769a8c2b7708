import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIssuingCa, createRootCa, issueOrganisationCertificate, issuePersonCertificate, issueTimestampingCertificate } from '@edoc/pki';
import { PDFDocument } from 'pdf-lib';
import { buildSignCommand } from '../src/commands/sign';
import { buildVerifyCommand } from '../src/commands/verify';
import { runCli } from './sign-cli-runner';

describe('edoc sign', () => {
  let dir: string;
  const f = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edoc-cli-sign-'));
    const root = createRootCa({ commonName: 'Root', keyAlgorithm: 'ec-p256' });
    const ca = createIssuingCa(root, { commonName: 'Issuing', keyAlgorithm: 'ec-p256' });
    const org = { orgCode: '000.00.12.H26', orgName: 'UBND quận' };
    const person = issuePersonCertificate(ca, { ...org, fullName: 'Nguyễn Văn Đức', position: 'Chủ tịch', keyAlgorithm: 'ec-p256' });
    const orgCred = issueOrganisationCertificate(ca, { ...org, keyAlgorithm: 'rsa-2048' });
    const tsa = issueTimestampingCertificate(ca, { commonName: 'TSA', keyAlgorithm: 'ec-p256' });
    const files: Record<string, string> = {
      'root.pem': root.certificatePem,
      'ca.pem': ca.certificatePem,
      'person.pem': person.certificatePem,
      'person.key': person.privateKeyPem,
      'org.pem': orgCred.certificatePem,
      'org.key': orgCred.privateKeyPem,
      'tsa.pem': tsa.certificatePem,
      'tsa.key': tsa.privateKeyPem,
    };
    for (const [name, content] of Object.entries(files)) writeFileSync(f(name), content);
    const p12 = spawnSync('openssl', ['pkcs12', '-export', '-in', f('org.pem'), '-inkey', f('org.key'), '-certfile', f('ca.pem'), '-passout', 'env:EDOC_TEST_P12', '-out', f('org.p12')], { env: { ...process.env, EDOC_TEST_P12: 'bí mật' } });
    expect(p12.status).toBe(0);
    const doc = await PDFDocument.create();
    doc.addPage();
    doc.addPage();
    writeFileSync(f('in.pdf'), await doc.save());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the person signs with PEM files, the organisation with PKCS#12, both time-stamped; verify exits 0', async () => {
    const person = await runCli(buildSignCommand, [f('in.pdf'), '-o', f('person.pdf'), '--cert', f('person.pem'), '--key', f('person.key'), '--chain', f('ca.pem'), '--appearance', 'person', '--competence', 'TM. ỦY BAN NHÂN DÂN', '--position', 'CHỦ TỊCH', '--name', 'Nguyễn Văn Đức', '--tsa-cert', f('tsa.pem'), '--tsa-key', f('tsa.key')]);
    expect(person.out).toContain('field Signature1');
    process.env.EDOC_TEST_P12 = 'bí mật';
    const org = await runCli(buildSignCommand, [f('person.pdf'), '-o', f('both.pdf'), '--p12', f('org.p12'), '--password-env', 'EDOC_TEST_P12', '--appearance', 'organisation', '--number', '7/QĐ-UBND', '--issued-date', '02/01/2025', '--org-name', 'UBND quận', '--tsa-cert', f('tsa.pem'), '--tsa-key', f('tsa.key'), '--json']);
    delete process.env.EDOC_TEST_P12;
    expect(JSON.parse(org.out)).toMatchObject({ fieldName: 'Signature2' });
    const verified = await runCli(buildVerifyCommand, ['--trust', f('root.pem'), f('both.pdf')]);
    expect(verified.out).toMatch(/Signature1: TOTAL_PASSED[\s\S]*Signature2: TOTAL_PASSED/);
    expect(verified.exitCode).toBe(0);
    const pdfsig = spawnSync('pdfsig', ['-nocert', f('both.pdf')], { encoding: 'utf8' }).stdout;
    expect(pdfsig.match(/Signature is Valid/g)).toHaveLength(2);
  });

  test('an attachment signature in place (output = input)', async () => {
    writeFileSync(f('att.pdf'), readFileSync(f('in.pdf')));
    const r = await runCli(buildSignCommand, [f('att.pdf'), '-o', f('att.pdf'), '--cert', f('org.pem'), '--key', f('org.key'), '--appearance', 'attachment', '--number', '7/QĐ-UBND', '--time', '2025-01-02T01:00:00Z']);
    expect(r.out).toContain('signed');
    expect(readFileSync(f('att.pdf')).subarray(0, readFileSync(f('in.pdf')).length).equals(readFileSync(f('in.pdf')))).toBe(true);
    const text = spawnSync('pdftotext', [f('att.pdf'), '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain('2025-01-02T08:00:00+07:00');
  });

  test('mistakes are refused by name and leave no output', async () => {
    await expect(runCli(buildSignCommand, [f('in.pdf'), '-o', f('x.pdf')])).rejects.toThrow('a signing key is required');
    await expect(runCli(buildSignCommand, [f('in.pdf'), '-o', f('x.pdf'), '--cert', f('person.pem'), '--key', f('org.key')])).rejects.toMatchObject({ code: 'KEY_MISMATCH' });
    await expect(runCli(buildSignCommand, [f('in.pdf'), '-o', f('x.pdf'), '--p12', f('org.p12'), '--password-env', 'EDOC_TEST_UNSET_VAR'])).rejects.toThrow('EDOC_TEST_UNSET_VAR is not set');
    await expect(runCli(buildSignCommand, [f('in.pdf'), '-o', f('x.pdf'), '--cert', f('person.pem'), '--key', f('person.key'), '--appearance', 'person', '--name', 'A'])).rejects.toThrow('--appearance person needs --position');
    await expect(runCli(buildSignCommand, [f('person.key'), '-o', f('x.pdf'), '--cert', f('person.pem'), '--key', f('person.key')])).rejects.toMatchObject({ code: 'NOT_A_PDF' });
    await expect(runCli(buildSignCommand, [f('in.pdf'), '-o', f('x.pdf'), '--cert', f('person.pem'), '--key', f('person.key'), '--rect', '1,2,3'])).rejects.toThrow(/x,y,width,height/);
    expect(existsSync(f('x.pdf'))).toBe(false);
  });
});
