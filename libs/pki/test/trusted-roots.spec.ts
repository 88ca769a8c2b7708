import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCrl, createIssuingCa, createRootCa, districtTrust, issuePersonCertificate, readTrustedRoots } from '@edoc/pki';

describe('the trust list: the district root and the roots configured besides', () => {
  let dir: string;
  const district = createRootCa({ commonName: 'Root CA of the district', organisation: 'UBND quận', keyAlgorithm: 'ec-p256' });
  const national = createRootCa({ commonName: 'National Government Root CA', organisation: 'Ban Cơ yếu Chính phủ', keyAlgorithm: 'ec-p256' });
  const province = createRootCa({ commonName: 'Province Root CA', organisation: 'UBND tỉnh', keyAlgorithm: 'ec-p256' });
  const issuing = createIssuingCa(district, { commonName: 'Issuing CA of the district', keyAlgorithm: 'ec-p256' });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'edoc-trust-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('reads roots from files and from folders (each .pem, .crt or .cer in it), in a stable order, naming where each came from', () => {
    const folder = join(dir, 'roots');
    mkdirSync(folder);
    writeFileSync(join(folder, 'province.crt'), province.certificatePem);
    writeFileSync(join(folder, 'national.pem'), national.certificatePem);
    writeFileSync(join(folder, 'README.txt'), 'not a certificate, and not read');
    const bundle = join(dir, 'bundle.pem');
    writeFileSync(bundle, `${national.certificatePem}${province.certificatePem}`);

    const roots = readTrustedRoots([folder, bundle]);
    expect(roots.map((root) => [root.source, root.subject])).toEqual([
      [join(folder, 'national.pem'), expect.stringContaining('National Government Root CA')],
      [join(folder, 'province.crt'), expect.stringContaining('Province Root CA')],
      [bundle, expect.stringContaining('National Government Root CA')],
      [bundle, expect.stringContaining('Province Root CA')],
    ]);
    expect(roots[0].pem).toBe(national.certificatePem.replace(/\r\n/g, '\n'));
  });

  test('refuses, naming the path, a missing path, an empty folder, a file without a certificate and a certificate that is not a CA', () => {
    expect(() => readTrustedRoots([join(dir, 'nowhere.pem')])).toThrow(`trusted roots: ${join(dir, 'nowhere.pem')} does not exist`);
    mkdirSync(join(dir, 'empty'));
    expect(() => readTrustedRoots([join(dir, 'empty')])).toThrow(`the folder ${join(dir, 'empty')} holds no .pem, .crt or .cer file`);
    writeFileSync(join(dir, 'key.pem'), '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    expect(() => readTrustedRoots([join(dir, 'key.pem')])).toThrow(`trusted roots: ${join(dir, 'key.pem')}: no "-----BEGIN CERTIFICATE-----" block found`);
    const person = issuePersonCertificate(issuing, { orgCode: '000.00.13.H26', orgName: 'UBND quận', fullName: 'Lê Văn Cường', position: 'Chuyên viên', keyAlgorithm: 'ec-p256' });
    writeFileSync(join(dir, 'person.pem'), person.certificatePem);
    expect(() => readTrustedRoots([join(dir, 'person.pem')])).toThrow(/person\.pem holds ".*Lê Văn Cường.*", which is not a CA certificate/);
  });

  test("districtTrust: the district's root first, then the configured ones, and the district's CRL when there is one", () => {
    writeFileSync(join(dir, 'root-ca.cert.pem'), district.certificatePem);
    writeFileSync(join(dir, 'national.pem'), national.certificatePem);
    const configured = readTrustedRoots([join(dir, 'national.pem')]);
    expect(districtTrust(dir, configured)).toEqual({ anchorsPem: [district.certificatePem, configured[0].pem], crlsPem: [] });
    const crl = createCrl(issuing, []);
    writeFileSync(join(dir, 'issuing-ca.crl.pem'), crl);
    expect(districtTrust(dir, []).crlsPem).toEqual([crl]);
  });

  test("districtTrust without the district's root says to provision first", () => {
    expect(() => districtTrust(dir, [])).toThrow('run `edoc provision` first');
  });
});
