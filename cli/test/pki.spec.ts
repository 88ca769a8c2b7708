import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCertificatePem, parseCrlsPem } from '@edoc/pki';
import { buildPkiCommand } from '../src/commands/pki';
import { dataFolderPki, moveSharedKeysToHolders } from '../src/provision/demo-pki';

async function pki(...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    await buildPkiCommand().exitOverride().parseAsync(args, { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return lines;
}

const openssl = (...args: string[]) => {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
};

describe('edoc pki', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'edoc-cli-pki-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('init, issue, revoke and publish a CRL that openssl applies', async () => {
    await pki('init', '--dir', dir, '--name', 'UBND quận Hai Bà Trưng', '--key-algorithm', 'ec-p256');
    const [personOut] = [await pki('issue', 'person', '--dir', dir, '--org-code', '000.00.12.H26', '--org-name', 'Phòng Nội vụ', '--name', 'Nguyễn Văn Đức', '--position', 'Trưởng phòng', '--out', 'people/duc', '--key-algorithm', 'ec-p256', '--json')];
    const person = JSON.parse(personOut.join('\n')) as { serialHex: string; cert: string; key: string };
    await pki('issue', 'organisation', '--dir', dir, '--org-code', '000.00.12.H26', '--org-name', 'Phòng Nội vụ', '--key-algorithm', 'ec-p256');
    await pki('issue', 'tsa', '--dir', dir, '--cn', 'TSA', '--key-algorithm', 'ec-p256');
    await pki('issue', 'ocsp', '--dir', dir, '--cn', 'OCSP responder', '--days', '90', '--key-algorithm', 'ec-p256');
    const withAia = JSON.parse((await pki('issue', 'organisation', '--dir', dir, '--org-code', '000.00.14.H26', '--org-name', 'Phòng Y tế', '--ocsp-url', 'https://edoc.example.gov.vn/pki/ocsp', '--key-algorithm', 'ec-p256', '--json')).join('\n')) as { cert: string };
    expect(parseCertificatePem(readFileSync(withAia.cert, 'utf8')).ocspUrls).toEqual(['https://edoc.example.gov.vn/pki/ocsp']);
    // openssl reads the responder's certificate as OCSP signing only.
    expect(openssl('x509', '-in', join(dir, 'ocsp.cert.pem'), '-noout', '-ext', 'extendedKeyUsage').output).toContain('OCSP Signing');
    expect(statSync(person.key).mode & 0o777).toBe(0o600);
    const cert = parseCertificatePem(readFileSync(person.cert, 'utf8'));
    expect(cert.serialHex).toBe(person.serialHex);

    const verify = () => openssl('verify', '-crl_check', '-CRLfile', join(dir, 'issuing-ca.crl.pem'), '-CAfile', join(dir, 'root-ca.cert.pem'), '-untrusted', join(dir, 'issuing-ca.cert.pem'), person.cert, join(dir, 'orgs/000.00.12.H26.cert.pem'), join(dir, 'tsa.cert.pem'));
    expect(verify().status).toBe(0);

    await pki('revoke', '--dir', dir, '--cert', person.cert, '--reason', 'keyCompromise');
    const after = verify();
    expect(after.output).toContain('certificate revoked');
    expect(after.status).not.toBe(0);
    const [crl] = parseCrlsPem(readFileSync(join(dir, 'issuing-ca.crl.pem'), 'utf8'));
    expect(crl.entries.get(person.serialHex)?.reason).toBe('keyCompromise');

    const numberBefore = openssl('crl', '-in', join(dir, 'issuing-ca.crl.pem'), '-noout', '-crlnumber').output;
    await pki('crl', '--dir', dir, '--days', '30');
    const numberAfter = openssl('crl', '-in', join(dir, 'issuing-ca.crl.pem'), '-noout', '-crlnumber').output;
    expect(parseInt(numberAfter.split('=')[1], 16)).toBe(parseInt(numberBefore.split('=')[1], 16) + 1);
  });

  test('mistakes are refused by name', async () => {
    await expect(pki('init', '--dir', dir, '--name', 'again')).rejects.toThrow(/already holds a PKI/);
    await expect(pki('issue', 'organisation', '--dir', join(dir, 'none'), '--org-code', '000.00.12.H26', '--org-name', 'X')).rejects.toThrow(/issuing CA not found/);
    await expect(pki('issue', 'organisation', '--dir', dir, '--org-code', '12', '--org-name', 'X')).rejects.toThrow(/ddd\.dd\.dd\.Ldd/);
    await expect(pki('revoke', '--dir', dir)).rejects.toThrow('give exactly one of --serial or --cert');
    await expect(pki('revoke', '--dir', dir, '--serial', 'zz')).rejects.toThrow(/not hexadecimal/);
    await expect(pki('crl', '--dir', dir, '--days', '-1')).rejects.toThrow(/positive whole number/);
  });

  test("deploy puts each private key only in the secrets folder of the services that use it, and never the root CA's", async () => {
    const data = mkdtempSync(join(tmpdir(), 'edoc-cli-pki-data-'));
    try {
      await pki('issue', 'organisation', '--dir', dir, '--org-code', '000.00.13.H26', '--org-name', 'Lưu trữ', '--out', 'archive', '--key-algorithm', 'ec-p256');
      const [printed] = [await pki('deploy', '--dir', dir, '--data-dir', data, '--json')];
      const deployed = JSON.parse(printed.join('\n')) as { keys: { base: string; holders: string[] }[]; leftBehind: string[] };
      const holders = Object.fromEntries(deployed.keys.map((key) => [key.base, key.holders]));
      expect(holders).toMatchObject({ tsa: ['signing', 'archival'], archive: ['archival'], 'issuing-ca': ['ca'], 'orgs/000.00.12.H26': ['signing', 'gateway'], 'people/duc': ['signing'], ocsp: ['signing'] });
      expect(deployed.leftBehind).toEqual([join(dir, 'root-ca.key.pem')]);
      const keyFiles = (root: string) => (readdirSync(root, { recursive: true }) as string[]).filter((name) => name.endsWith('.key.pem')).sort();
      expect(keyFiles(join(data, 'pki'))).toEqual([]);
      expect(keyFiles(join(data, 'secrets', 'signing'))).toEqual(['keys/ocsp.key.pem', 'keys/orgs/000.00.12.H26.key.pem', 'keys/orgs/000.00.14.H26.key.pem', 'keys/people/duc.key.pem', 'keys/tsa.key.pem']);
      expect(keyFiles(join(data, 'secrets', 'archival'))).toEqual(['keys/archive.key.pem', 'keys/tsa.key.pem']);
      expect(keyFiles(join(data, 'secrets', 'ca'))).toEqual(['keys/issuing-ca.key.pem']);
      expect(statSync(join(data, 'secrets', 'archival', 'keys', 'archive.key.pem')).mode & 0o777).toBe(0o600);
      expect(statSync(join(data, 'secrets', 'archival')).mode & 0o777).toBe(0o700);
      expect(readFileSync(join(data, 'secrets', 'signing', 'keys', 'people', 'duc.key.pem'), 'utf8')).toBe(readFileSync(join(dir, 'people', 'duc.key.pem'), 'utf8'));
      for (const cert of ['root-ca.cert.pem', 'issuing-ca.cert.pem', 'issuing-ca.crl.pem', 'tsa.cert.pem', 'archive.cert.pem', 'people/duc.cert.pem']) expect(statSync(join(data, 'pki', cert)).isFile()).toBe(true);
      await expect(pki('deploy', '--dir', join(dir, 'none'), '--data-dir', data)).rejects.toThrow(/holds no PKI/);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  test('a data folder laid out before the secrets folders existed gets its keys moved to their holders at provisioning', async () => {
    const data = mkdtempSync(join(tmpdir(), 'edoc-cli-pki-old-'));
    try {
      // The old layout: every key beside its certificate, in the one folder all services read.
      cpSync(dir, join(data, 'pki'), { recursive: true });
      const before = readFileSync(join(data, 'pki', 'tsa.key.pem'), 'utf8');
      const moved = moveSharedKeysToHolders(dataFolderPki(data));
      // tsa, archive, issuing-ca, ocsp, two organisations and one person.
      expect(moved).toBe(7);
      const left = (readdirSync(join(data, 'pki'), { recursive: true }) as string[]).filter((name) => name.endsWith('.key.pem'));
      // The root CA's key is moved offline by its own step, never into a service's folder.
      expect(left).toEqual(['root-ca.key.pem']);
      expect(readFileSync(join(data, 'secrets', 'archival', 'keys', 'tsa.key.pem'), 'utf8')).toBe(before);
      expect(readFileSync(join(data, 'secrets', 'signing', 'keys', 'tsa.key.pem'), 'utf8')).toBe(before);
      expect(moveSharedKeysToHolders(dataFolderPki(data))).toBe(0);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});
