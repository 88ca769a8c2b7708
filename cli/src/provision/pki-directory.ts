import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCrl, type IssuedCredential, type RevokedEntry } from '@edoc/pki';
import { writePublicFile, writeSecretFile } from './files';

/**
 * The files of a district PKI, in the same layout as `edoc provision`: <base>.cert.pem (public),
 * issuing-ca.crl.pem, and the CA's revocation register. A private key is <base>.key.pem
 * (owner-only) beside its certificate in a CA's own folder (`edoc pki --dir`); in a data folder,
 * `keyFiles` says where instead: in the secrets folder of each service that uses it.
 */
export class PkiDirectory {
  constructor(
    readonly dir: string,
    private readonly keyFiles: (base: string) => string[] = (base) => [join(dir, `${base}.key.pem`)],
  ) {}

  path(base: string, suffix: string): string {
    return join(this.dir, `${base}.${suffix}`);
  }

  /** Every place the private key of `base` is kept. */
  keyPaths(base: string): string[] {
    return this.keyFiles(base);
  }

  /** Where the private key of `base` is read from (the first of its places, when it has several). */
  keyPath(base: string): string {
    const files = this.keyFiles(base);
    if (files.length === 0) throw new Error(`no service holds the private key of ${base}`);
    return files[0] as string;
  }

  has(base: string): boolean {
    return existsSync(this.path(base, 'cert.pem')) && this.keyFiles(base).every((file) => existsSync(file));
  }

  read(base: string, what: string): IssuedCredential {
    if (!this.has(base)) throw new Error(`${what} not found: expected ${this.path(base, 'cert.pem')} and ${this.keyFiles(base).join(', ')}`);
    return { certificatePem: readFileSync(this.path(base, 'cert.pem'), 'utf8'), privateKeyPem: readFileSync(this.keyPath(base), 'utf8') };
  }

  write(base: string, credential: IssuedCredential, overwrite = false): { cert: string; key: string } {
    if (!overwrite && existsSync(this.path(base, 'cert.pem'))) throw new Error(`${this.path(base, 'cert.pem')} already exists; choose another name or remove it`);
    writePublicFile(this.path(base, 'cert.pem'), credential.certificatePem);
    for (const file of this.keyFiles(base)) writeSecretFile(file, credential.privateKeyPem);
    return { cert: this.path(base, 'cert.pem'), key: this.keyPath(base) };
  }

  readRegister(): RevocationRegister {
    const file = this.path('issuing-ca', 'revoked.json');
    if (!existsSync(file)) return { crlNumber: 0, revoked: [] };
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { crlNumber: number; revoked: { serialHex: string; revokedAt: string; reason?: string }[] };
    return { crlNumber: raw.crlNumber, revoked: raw.revoked.map((r) => ({ ...r, revokedAt: new Date(r.revokedAt) })) };
  }

  writeRegister(register: RevocationRegister): void {
    writePublicFile(this.path('issuing-ca', 'revoked.json'), `${JSON.stringify({ crlNumber: register.crlNumber, revoked: register.revoked.map((r) => ({ ...r, revokedAt: r.revokedAt.toISOString() })) }, null, 2)}\n`);
  }
}

/** What the issuing CA has revoked, and the number of the last CRL it published. */
export interface RevocationRegister {
  crlNumber: number;
  revoked: RevokedEntry[];
}

const DAY_MS = 24 * 3600_000;

/** Signs a fresh CRL of the issuing CA from its revocation register (a CRL goes stale at nextUpdate). */
export function publishCrl(dir: PkiDirectory, days: number): string {
  const register = dir.readRegister();
  register.crlNumber += 1;
  const now = new Date();
  const crl = createCrl(dir.read('issuing-ca', 'issuing CA'), register.revoked, { thisUpdate: now, nextUpdate: new Date(now.getTime() + days * DAY_MS), crlNumber: register.crlNumber });
  dir.writeRegister(register);
  const file = dir.path('issuing-ca', 'crl.pem');
  writePublicFile(file, crl);
  return file;
}

/**
 * The root CA's CRL, which says whether an issuing CA itself is revoked: without it, a verifier that
 * must know revocation cannot pass any chain. Signed with the root key kept offline, so published
 * only where that key is at hand (the demo); revoking an issuing CA is a root ceremony, not a
 * command, and the demo's revokes none.
 */
export function publishRootCrl(offline: PkiDirectory, dir: PkiDirectory, days: number): string | undefined {
  if (!offline.has('root-ca')) return undefined;
  const now = new Date();
  const crl = createCrl(offline.read('root-ca', 'root CA'), [], { thisUpdate: now, nextUpdate: new Date(now.getTime() + days * DAY_MS) });
  const file = dir.path('root-ca', 'crl.pem');
  writePublicFile(file, crl);
  return file;
}
