import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCrl, type IssuedCredential, type RevokedEntry } from '@edoc/pki';
import { writePublicFile, writeSecretFile } from './files';

/**
 * The files of a district PKI, in the same layout as `edoc provision`: <base>.cert.pem (public),
 * <base>.key.pem (owner-only), issuing-ca.crl.pem, and the CA's revocation register.
 */
export class PkiDirectory {
  constructor(readonly dir: string) {}

  path(base: string, suffix: string): string {
    return join(this.dir, `${base}.${suffix}`);
  }

  has(base: string): boolean {
    return existsSync(this.path(base, 'cert.pem')) && existsSync(this.path(base, 'key.pem'));
  }

  read(base: string, what: string): IssuedCredential {
    if (!this.has(base)) throw new Error(`${what} not found: expected ${this.path(base, 'cert.pem')} and ${this.path(base, 'key.pem')}`);
    return { certificatePem: readFileSync(this.path(base, 'cert.pem'), 'utf8'), privateKeyPem: readFileSync(this.path(base, 'key.pem'), 'utf8') };
  }

  write(base: string, credential: IssuedCredential, overwrite = false): { cert: string; key: string } {
    if (!overwrite && existsSync(this.path(base, 'cert.pem'))) throw new Error(`${this.path(base, 'cert.pem')} already exists; choose another name or remove it`);
    writePublicFile(this.path(base, 'cert.pem'), credential.certificatePem);
    writeSecretFile(this.path(base, 'key.pem'), credential.privateKeyPem);
    return { cert: this.path(base, 'cert.pem'), key: this.path(base, 'key.pem') };
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
