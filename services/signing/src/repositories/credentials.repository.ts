import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deploymentMode, type EdocConfig } from '@edoc/config';
import { isTokenUnavailable, loadSigningIdentity, type ParsedCertificate, parseCertificatesPem, type RevokedEntry, Pkcs11SigningKey, PkiError, type SigningIdentity, type SigningKey } from '@edoc/pki';
import { EDOC_CONFIG, pkiDirOf, privateKeyFileIn, secretsDirOf } from '@edoc/runtime';
import { hsmKeyLabel, type HsmSettings, hsmSettingsFromEnv } from './hsm-settings';

/** Thrown when a signer or organisation has no key in the key store: the document cannot be signed. */
export class MissingCredentialError extends Error {}

/** What the district PKI publishes beside the services: the CA certificates and their CRLs. */
export type PublicPkiFile = 'root-ca.cert.pem' | 'issuing-ca.cert.pem' | 'issuing-ca.crl.pem' | 'root-ca.crl.pem';

/** The HSM holding a key did not answer: the work waits and is tried again, nothing is lost. */
export class KeyUnavailableError extends Error {}

/** Where a key is held: a key file (development and the demo only) or the HSM. */
export type KeyHolder = 'key-store' | 'hsm';

export interface KeyFacts {
  holder: KeyHolder;
  certificateSha256: string;
}

/**
 * Keys and certificates of organisations, signers and the time-stamp authority. Certificates sit
 * under <data dir>/pki (EDOC_PKI_DIR) as provisioning wrote them; a private key is either a key
 * file in signing's own secrets folder (<data dir>/secrets/signing/keys, EDOC_SECRETS_DIR; in
 * development only: production mode refuses key files of people and organisations) or, failing
 * that, a key on the HSM of EDOC_HSM_MODULE. Each is opened once and
 * cached for the life of the process; a key file's key becomes a node:crypto KeyObject.
 */
@Injectable()
export class CredentialsRepository implements OnModuleDestroy {
  private readonly cache = new Map<string, SigningKey>();
  private readonly dir: string;
  private readonly secretsDir: string;
  private readonly hsm: HsmSettings | undefined;
  private readonly production = deploymentMode() === 'production';

  constructor(@Inject(EDOC_CONFIG) config: EdocConfig) {
    this.dir = pkiDirOf(config);
    this.secretsDir = secretsDirOf(config, 'signing');
    this.hsm = hsmSettingsFromEnv();
  }

  onModuleDestroy(): void {
    for (const key of this.cache.values()) if (key instanceof Pkcs11SigningKey) key.close();
  }

  organisation(orgCode: string): SigningKey {
    return this.load(`orgs/${orgCode}`, hsmKeyLabel.organisation(orgCode), `organisation ${orgCode}`);
  }

  person(username: string): SigningKey {
    return this.load(`people/${username}`, hsmKeyLabel.person(username), `signer ${username}`);
  }

  /** Where a signer's key is held and its certificate, without opening the key (the HSM may be away). */
  personFacts(username: string): KeyFacts {
    const { certificate } = this.personCertificate(username);
    return { holder: this.holderOf(`people/${username}`, `signer ${username}`), certificateSha256: createHash('sha256').update(certificate.der).digest('hex') };
  }

  /** The certificate registered for a signer, and its chain: what a signature from their own token must verify with. */
  personCertificate(username: string): { certificate: ParsedCertificate; chain: ParsedCertificate[] } {
    const certFile = join(this.dir, `people/${username}.cert.pem`);
    if (!existsSync(certFile)) throw new MissingCredentialError(`no certificate for signer ${username} in the key store`);
    return { certificate: parseCertificatesPem(readFileSync(certFile, 'utf8'), 'signing certificate')[0], chain: this.chainPem().flatMap((pem) => parseCertificatesPem(pem, 'certificate chain')) };
  }

  /** The issuing CA's delegated OCSP responder, when provisioning made one (`pki/ocsp.cert.pem` and its key here). */
  ocspResponder(): SigningIdentity | undefined {
    const cached = this.cache.get('ocsp');
    if (cached !== undefined) return cached as SigningIdentity;
    if (!existsSync(join(this.dir, 'ocsp.cert.pem')) || !existsSync(privateKeyFileIn(this.secretsDir, 'ocsp'))) return undefined;
    const identity = this.fromKeyFile('ocsp', 'the OCSP responder');
    this.cache.set('ocsp', identity);
    return identity;
  }

  /** The issuing CA's revocation register (`edoc pki revoke`), read afresh: a revocation counts at once. */
  revocations(): RevokedEntry[] {
    const file = join(this.dir, 'issuing-ca.revoked.json');
    if (!existsSync(file)) return [];
    const register = JSON.parse(readFileSync(file, 'utf8')) as { revoked?: { serialHex: string; revokedAt: string; reason?: string }[] };
    return (register.revoked ?? []).map((entry) => ({ serialHex: entry.serialHex, revokedAt: new Date(entry.revokedAt), ...(entry.reason === undefined ? {} : { reason: entry.reason }) }));
  }

  timestampAuthority(): SigningIdentity {
    const cached = this.cache.get('tsa');
    if (cached !== undefined) return cached as SigningIdentity;
    const identity = this.fromKeyFile('tsa', 'the time-stamp authority');
    this.cache.set('tsa', identity);
    return identity;
  }

  publicFile(name: PublicPkiFile): string {
    const published = this.publishedFile(name);
    if (published === undefined) throw new MissingCredentialError(`${name} has not been published`);
    return published;
  }

  /** A certificate or CRL of the district PKI, or undefined when it is not published (a root CRL is optional). */
  publishedFile(name: PublicPkiFile): string | undefined {
    const file = join(this.dir, name);
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  }

  private holderOf(base: string, what: string): KeyHolder {
    if (existsSync(privateKeyFileIn(this.secretsDir, base))) {
      if (this.production) throw new MissingCredentialError(`the key of ${what} is a key file; in production mode keys are held in the HSM (EDOC_HSM_MODULE), never in a file`);
      return 'key-store';
    }
    if (this.hsm !== undefined) return 'hsm';
    throw new MissingCredentialError(`no key for ${what}: neither a key file in the key store nor an HSM (EDOC_HSM_MODULE)`);
  }

  private load(base: string, hsmLabel: string, what: string): SigningKey {
    const cached = this.cache.get(base);
    if (cached !== undefined) return cached;
    const key = this.holderOf(base, what) === 'key-store' ? this.fromKeyFile(base, what) : this.fromHsm(base, hsmLabel, what);
    this.cache.set(base, key);
    return key;
  }

  private fromKeyFile(base: string, what: string): SigningIdentity {
    const certFile = join(this.dir, `${base}.cert.pem`);
    const keyFile = privateKeyFileIn(this.secretsDir, base);
    if (!existsSync(certFile) || !existsSync(keyFile)) throw new MissingCredentialError(`no key and certificate for ${what} in the key store (${certFile}, ${keyFile})`);
    return loadSigningIdentity({ certificatePem: readFileSync(certFile, 'utf8'), privateKeyPem: readFileSync(keyFile, 'utf8'), chainPem: this.chainPem() });
  }

  private fromHsm(base: string, keyLabel: string, what: string): SigningKey {
    const hsm = this.hsm as HsmSettings;
    const certFile = join(this.dir, `${base}.cert.pem`);
    if (!existsSync(certFile)) throw new MissingCredentialError(`no certificate for ${what} in the key store`);
    try {
      return Pkcs11SigningKey.open({
        module: hsm.module,
        tokenLabel: hsm.tokenLabel,
        pin: hsm.pin,
        keyLabel,
        certificate: parseCertificatesPem(readFileSync(certFile, 'utf8'), 'signing certificate')[0],
        chain: this.chainPem().flatMap((pem) => parseCertificatesPem(pem, 'certificate chain')),
      });
    } catch (error) {
      if (isTokenUnavailable(error) || (error instanceof PkiError && error.code === 'TOKEN_ABSENT')) {
        throw new KeyUnavailableError(`the HSM holding the key of ${what} does not answer: ${(error as Error).message}`);
      }
      throw new MissingCredentialError(`the key of ${what} on the HSM: ${(error as Error).message}`);
    }
  }

  private chainPem(): string[] {
    const chainFile = join(this.dir, 'issuing-ca.cert.pem');
    return existsSync(chainFile) ? [readFileSync(chainFile, 'utf8')] : [];
  }
}
