import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, withTempDir } from './external-tools';

/** A CA that edoc did not make: a root and a signer's certificate and key, all made by openssl. */
export interface OpensslCa {
  readonly rootPem: string;
  readonly signerCertificatePem: string;
  readonly signerKeyPem: string;
}

function openssl(dir: string, args: string[]): void {
  const result = run('openssl', args.map((arg) => arg.replaceAll('$DIR', dir)));
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.output}`);
}

export function makeOpensslCa(): OpensslCa {
  return withTempDir((dir) => {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    openssl(dir, ['req', '-x509', ...ec, '-keyout', '$DIR/root.key', '-out', '$DIR/root.pem', '-days', '3650', '-utf8', '-subj', '/C=VN/O=Cơ quan chứng thực thử (openssl)/CN=Openssl Test Root CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    openssl(dir, ['req', ...ec, '-keyout', '$DIR/signer.key', '-out', '$DIR/signer.csr', '-utf8', '-subj', '/C=VN/O=Sở Tư pháp tỉnh khác/CN=Trần Thị Bình']);
    writeFileSync(join(dir, 'signer.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
    openssl(dir, ['x509', '-req', '-in', '$DIR/signer.csr', '-CA', '$DIR/root.pem', '-CAkey', '$DIR/root.key', '-CAcreateserial', '-days', '365', '-extfile', '$DIR/signer.ext', '-out', '$DIR/signer.pem']);
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    return { rootPem: read('root.pem'), signerCertificatePem: read('signer.pem'), signerKeyPem: read('signer.key') };
  });
}

/** A detached CMS over `content` made by `openssl cms -sign`, the way a tool other than edoc signs. */
export function opensslCmsSign(ca: OpensslCa, content: Buffer): Buffer {
  return withTempDir((dir) => {
    writeFileSync(join(dir, 'content.bin'), content);
    writeFileSync(join(dir, 'signer.pem'), ca.signerCertificatePem);
    writeFileSync(join(dir, 'signer.key'), ca.signerKeyPem);
    openssl(dir, ['cms', '-sign', '-binary', '-md', 'sha256', '-in', '$DIR/content.bin', '-signer', '$DIR/signer.pem', '-inkey', '$DIR/signer.key', '-outform', 'DER', '-out', '$DIR/cms.der']);
    return readFileSync(join(dir, 'cms.der'));
  });
}
