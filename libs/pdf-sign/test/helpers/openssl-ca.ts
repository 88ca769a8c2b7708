import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, withTempDir } from './external-tools';

/** A CA that edoc did not make: a root and a signer's certificate and key, all made by openssl. */
export interface OpensslCa {
  readonly rootPem: string;
  readonly signerCertificatePem: string;
  readonly signerKeyPem: string;
  readonly rootKeyPem: string;
  /** Upper-case hex, as openssl's index file writes it. */
  readonly signerSerialHex: string;
}

/** Where the signer's certificate says its revocation status is published. */
export interface RevocationPointers {
  readonly crlUrl?: string;
  readonly ocspUrl?: string;
}

function openssl(dir: string, args: string[]): void {
  const result = run('openssl', args.map((arg) => arg.replaceAll('$DIR', dir)));
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.output}`);
}

export function makeOpensslCa(pointers: RevocationPointers = {}): OpensslCa {
  return withTempDir((dir) => {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    openssl(dir, ['req', '-x509', ...ec, '-keyout', '$DIR/root.key', '-out', '$DIR/root.pem', '-days', '3650', '-utf8', '-subj', '/C=VN/O=Cơ quan chứng thực thử (openssl)/CN=Openssl Test Root CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    openssl(dir, ['req', ...ec, '-keyout', '$DIR/signer.key', '-out', '$DIR/signer.csr', '-utf8', '-subj', '/C=VN/O=Sở Tư pháp tỉnh khác/CN=Trần Thị Bình']);
    const revocation = [...(pointers.crlUrl ? [`crlDistributionPoints=URI:${pointers.crlUrl}`] : []), ...(pointers.ocspUrl ? [`authorityInfoAccess=OCSP;URI:${pointers.ocspUrl}`] : [])];
    writeFileSync(join(dir, 'signer.ext'), ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,nonRepudiation', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid', ...revocation, ''].join('\n'));
    openssl(dir, ['x509', '-req', '-in', '$DIR/signer.csr', '-CA', '$DIR/root.pem', '-CAkey', '$DIR/root.key', '-CAcreateserial', '-days', '365', '-extfile', '$DIR/signer.ext', '-out', '$DIR/signer.pem']);
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    const serial = run('openssl', ['x509', '-in', join(dir, 'signer.pem'), '-noout', '-serial']).output.trim().replace(/^serial=/, '');
    return { rootPem: read('root.pem'), signerCertificatePem: read('signer.pem'), signerKeyPem: read('signer.key'), rootKeyPem: read('root.key'), signerSerialHex: serial };
  });
}

/** openssl's certificate database: the signer valid, or revoked (key compromise) at `revokedAt`. */
function opensslIndex(ca: OpensslCa, revokedAt?: Date): string {
  const asn1Time = (at: Date) => `${at.toISOString().replace(/[-:T]/g, '').slice(2, 14)}Z`;
  const state = revokedAt === undefined ? 'V\t351231235959Z\t' : `R\t351231235959Z\t${asn1Time(revokedAt)},keyCompromise`;
  return `${state}\t${ca.signerSerialHex}\tunknown\t/CN=signer\n`;
}

function writeCaFiles(dir: string, ca: OpensslCa, revokedAt?: Date): void {
  writeFileSync(join(dir, 'index.txt'), opensslIndex(ca, revokedAt));
  writeFileSync(join(dir, 'root.pem'), ca.rootPem);
  writeFileSync(join(dir, 'root.key'), ca.rootKeyPem);
  writeFileSync(join(dir, 'ca.cnf'), `[ca]\ndefault_ca = d\n[d]\ndatabase = ${join(dir, 'index.txt')}\ndefault_md = sha256\ndefault_crl_days = 1\n`);
}

/** The root's CRL made by `openssl ca -gencrl` (PEM), listing the signer when `revokedAt` is given. */
export function opensslCrl(ca: OpensslCa, revokedAt?: Date): Buffer {
  return withTempDir((dir) => {
    writeCaFiles(dir, ca, revokedAt);
    openssl(dir, ['ca', '-config', '$DIR/ca.cnf', '-gencrl', '-keyfile', '$DIR/root.key', '-cert', '$DIR/root.pem', '-out', '$DIR/crl.pem']);
    return readFileSync(join(dir, 'crl.pem'));
  });
}

/** `openssl ocsp` answering for the root on `port`, the root signing its answers itself. */
export async function startOpensslOcsp(ca: OpensslCa, port: number, revokedAt?: Date): Promise<{ stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'edoc-openssl-ocsp-'));
  writeCaFiles(dir, ca, revokedAt);
  const file = (name: string) => join(dir, name);
  const child: ChildProcess = spawn('openssl', ['ocsp', '-index', file('index.txt'), '-port', String(port), '-rsigner', file('root.pem'), '-rkey', file('root.key'), '-CA', file('root.pem'), '-nmin', '30'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () => {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 10_000;
  // Its own word that it listens: a probe connection would hold its single-threaded loop.
  while (!output.includes('waiting for OCSP client connections')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      stop();
      throw new Error(`openssl ocsp ${child.exitCode !== null ? `exited with ${child.exitCode}` : `did not listen on ${port}`}: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { stop };
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
