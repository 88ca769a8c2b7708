import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIssuingCa, createRootCa, issuePersonCertificate } from '@edoc/pki';
import { classicPdf, flateBomb, simpleDocument, stream, xrefStreamPdf } from '@edoc/testing';
import { withEarlierUpdate } from '../../libs/pdf-sign/test/helpers/inputs';
import { buildSignCommand } from '../src/commands/sign';
import { buildVerifyCommand } from '../src/commands/verify';
import { runCli } from './sign-cli-runner';

/** The hostile tester's files through `edoc sign` and `edoc verify`: a reason each time, never a crash. */
describe('edoc sign and verify on hostile files', () => {
  let dir: string;
  const f = (name: string) => join(dir, name);
  const sign = (input: string, output: string, ...extra: string[]) => runCli(buildSignCommand, [f(input), '-o', f(output), '--cert', f('person.pem'), '--key', f('person.key'), ...extra]);
  const verify = (file: string) => runCli(buildVerifyCommand, ['--trust', f('root.pem'), f(file)]);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'edoc-cli-hostile-'));
    const root = createRootCa({ commonName: 'Root', keyAlgorithm: 'ec-p256' });
    const ca = createIssuingCa(root, { commonName: 'Issuing', keyAlgorithm: 'ec-p256' });
    const person = issuePersonCertificate(ca, { orgCode: '000.00.12.H26', orgName: 'UBND', fullName: 'Đức', position: 'Chủ tịch', keyAlgorithm: 'ec-p256' });
    writeFileSync(f('root.pem'), root.certificatePem);
    writeFileSync(f('person.pem'), `${person.certificatePem}${ca.certificatePem}`);
    writeFileSync(f('person.key'), person.privateKeyPem);
    const [catalog, pages, page, content] = simpleDocument();
    writeFileSync(f('self-length.pdf'), xrefStreamPdf([content], [catalog, pages, page], { objStmDict: '/Length 90 0 R' }));
    writeFileSync(f('trailing.pdf'), Buffer.concat([classicPdf(simpleDocument()), Buffer.alloc(8192, 0x41)]));
    writeFileSync(f('nested.pdf'), classicPdf([catalog, pages, { num: 3, body: `<< /Type /Page /Parent 2 0 R /X ${'['.repeat(10_000)}${']'.repeat(10_000)} >>` }, content]));
    const updated = withEarlierUpdate(classicPdf(simpleDocument())).toString('latin1');
    writeFileSync(f('damaged-prev.pdf'), Buffer.from(updated.replace(/\/Prev \d+/, '/Prev 42'), 'latin1'));
    writeFileSync(f('bomb.pdf'), xrefStreamPdf([content], [catalog, pages, page], { objStmData: flateBomb(2 * 1024 ** 3) }));
    writeFileSync(f('self-length-content.pdf'), classicPdf([catalog, pages, page, { num: 4, body: stream('/Length 4 0 R', 'BT ET') }]));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a /Length that refers to itself (in an object stream too) is signed and verified', async () => {
    for (const name of ['self-length', 'self-length-content']) {
      expect((await sign(`${name}.pdf`, `${name}-signed.pdf`)).out).toContain('signed');
      expect(await verify(`${name}-signed.pdf`)).toMatchObject({ exitCode: 0, out: expect.stringContaining('TOTAL_PASSED') });
      expect(await verify(`${name}.pdf`)).toMatchObject({ exitCode: 2, out: expect.stringContaining('no signatures') });
    }
  });

  test('8 KB after %%EOF is signed as it is', async () => {
    const r = await sign('trailing.pdf', 'trailing-signed.pdf');
    expect(r.out).not.toContain('repaired');
    expect(readFileSync(f('trailing-signed.pdf')).subarray(0, readFileSync(f('trailing.pdf')).length)).toEqual(readFileSync(f('trailing.pdf')));
    expect((await verify('trailing-signed.pdf')).exitCode).toBe(0);
  });

  test('10,000 nested arrays: refused for their nesting', async () => {
    await expect(sign('nested.pdf', 'nested-signed.pdf')).rejects.toMatchObject({ code: 'NESTING_TOO_DEEP', message: expect.stringContaining('nested more than 100 levels deep') });
  });

  test('a damaged /Prev: repaired and signed, and verify notes the damage of the input', async () => {
    const r = await sign('damaged-prev.pdf', 'damaged-prev-signed.pdf');
    expect(r.out).toMatch(/repaired first: broken cross-reference data: \/Prev points to byte 42.*rewritten copy/);
    expect(JSON.parse((await sign('damaged-prev.pdf', 'damaged-prev-signed2.pdf', '--json')).out)).toMatchObject({ repaired: { reason: expect.stringContaining('/Prev points to byte 42') } });
    expect((await verify('damaged-prev-signed.pdf')).exitCode).toBe(0);
    expect(await verify('damaged-prev.pdf')).toMatchObject({ exitCode: 2, out: expect.stringContaining('damaged cross-reference data, read by rebuilding it') });
    await expect(sign('damaged-prev.pdf', 'no-repair.pdf', '--no-repair')).rejects.toMatchObject({ code: 'BROKEN_XREF' });
  });

  test('a 2 GiB decompression bomb: refused at once by both commands', async () => {
    const started = Date.now();
    await expect(sign('bomb.pdf', 'bomb-signed.pdf')).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED', message: expect.stringContaining('decompression bomb') });
    expect(await verify('bomb.pdf')).toMatchObject({ exitCode: 2, err: expect.stringContaining('decompression bomb') });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
