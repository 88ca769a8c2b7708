import { Inject, Injectable } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EdocConfig } from '@edoc/config';
import { loadSigningIdentity, SigningIdentity } from '@edoc/pki';
import { EDOC_CONFIG } from '@edoc/runtime';

/** Thrown when a signer or organisation has no key in the key store: the document cannot be signed. */
export class MissingCredentialError extends Error {}

/**
 * Keys and certificates of organisations, signers and the time-stamp authority, as provisioning
 * wrote them under <data dir>/pki. Each is parsed once: the private key becomes a node:crypto
 * KeyObject that stays cached for the life of the process.
 */
@Injectable()
export class CredentialsRepository {
  private readonly cache = new Map<string, SigningIdentity>();
  private readonly dir: string;

  constructor(@Inject(EDOC_CONFIG) config: EdocConfig) {
    this.dir = process.env.EDOC_PKI_DIR ?? join(config.dataDir, 'pki');
  }

  organisation(orgCode: string): SigningIdentity {
    return this.load(`orgs/${orgCode}`, `organisation ${orgCode}`);
  }

  person(username: string): SigningIdentity {
    return this.load(`people/${username}`, `signer ${username}`);
  }

  timestampAuthority(): SigningIdentity {
    return this.load('tsa', 'the time-stamp authority');
  }

  /** Anchors and revocation lists a verifier of our signatures trusts. */
  trust(): { anchorsPem: string[]; crlsPem: string[] } {
    const crl = join(this.dir, 'issuing-ca.crl.pem');
    return { anchorsPem: [readFileSync(join(this.dir, 'root-ca.cert.pem'), 'utf8')], crlsPem: existsSync(crl) ? [readFileSync(crl, 'utf8')] : [] };
  }

  publicFile(name: 'root-ca.cert.pem' | 'issuing-ca.cert.pem' | 'issuing-ca.crl.pem'): string {
    const file = join(this.dir, name);
    if (!existsSync(file)) throw new MissingCredentialError(`${name} has not been published`);
    return readFileSync(file, 'utf8');
  }

  private load(base: string, what: string): SigningIdentity {
    const cached = this.cache.get(base);
    if (cached !== undefined) return cached;
    const certFile = join(this.dir, `${base}.cert.pem`);
    const keyFile = join(this.dir, `${base}.key.pem`);
    if (!existsSync(certFile) || !existsSync(keyFile)) throw new MissingCredentialError(`no key and certificate for ${what} in the key store`);
    const chainFile = join(this.dir, 'issuing-ca.cert.pem');
    const identity = loadSigningIdentity({
      certificatePem: readFileSync(certFile, 'utf8'),
      privateKeyPem: readFileSync(keyFile, 'utf8'),
      chainPem: existsSync(chainFile) ? [readFileSync(chainFile, 'utf8')] : [],
    });
    this.cache.set(base, identity);
    return identity;
  }
}
