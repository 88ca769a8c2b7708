import { Inject, Injectable } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signDetached } from '@edoc/audit';
import { districtTrust, HttpTimestampClient, OnlineRevocation, LocalTimestampAuthority, loadSigningIdentity, parseCertificatesPem, parseCrlsPem, type SigningIdentity, type TimestampProvider, type TrustMaterial } from '@edoc/pki';
import { privateKeyFileIn } from '@edoc/runtime';
import { ARCHIVAL_SETTINGS, type ArchivalSettings } from '../config/archival-settings';

/** The archive's key or the district PKI's certificates are not where provisioning puts them. */
export class ArchiveKeyMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveKeyMissingError';
  }
}

/**
 * The archive's own signing credential (its certificate pki/archive.cert.pem, its key in archival's
 * secrets folder, made by provisioning), the time-stamp
 * source for its signatures, and the district's trust anchors for verification reports.
 */
@Injectable()
export class ArchiveKeysService {
  private identity: SigningIdentity | undefined;
  private timestamps: TimestampProvider | undefined;

  /** Revocation data fetched for the verification reports, shared by every document archived. */
  readonly onlineRevocation: OnlineRevocation | undefined;

  constructor(@Inject(ARCHIVAL_SETTINGS) private readonly settings: ArchivalSettings) {
    const timeoutMs = settings.revocationFetchTimeoutMs ?? 0;
    this.onlineRevocation = timeoutMs > 0 ? new OnlineRevocation({ timeoutMs }) : undefined;
  }

  /** A detached, time-stamped CMS signature over `content` by the archive's key. */
  sign(content: Buffer): Promise<Buffer> {
    return signDetached(content, this.archiveIdentity(), this.timestampProvider());
  }

  /** Anchors and CRLs for `verifyPdf`: the district's root CA and the issuing CA's CRL. */
  trust(): TrustMaterial {
    return districtTrust(this.settings.pkiDir, this.settings.trustedRoots);
  }

  /** Where the archive's time-stamps come from: the checkpoints' and the renewals' of archived documents. */
  timestampSource(): TimestampProvider {
    return this.timestampProvider();
  }

  /**
   * What a renewed document carries so that its earlier time-stamps and signatures still validate
   * once their certificates are gone: the district CA's certificates and its latest CRLs.
   */
  validationData(): { certificates: Buffer[]; crls: Buffer[] } {
    const published = (name: string) => (existsSync(this.path(name)) ? readFileSync(this.path(name), 'utf8') : undefined);
    const certificates = ['root-ca.cert.pem', 'issuing-ca.cert.pem'].flatMap((name) => {
      const pem = published(name);
      return pem === undefined ? [] : parseCertificatesPem(pem, name).map((certificate) => certificate.der);
    });
    const crls = ['issuing-ca.crl.pem', 'root-ca.crl.pem'].flatMap((name) => {
      const pem = published(name);
      return pem === undefined ? [] : parseCrlsPem(pem, name).map((crl) => crl.der);
    });
    return { certificates, crls };
  }

  /** Certificates an export carries for its reader (a verifier takes its trust from elsewhere). */
  publicCertificates(): { name: string; pem: string }[] {
    return ['archive.cert.pem', 'issuing-ca.cert.pem', 'root-ca.cert.pem'].filter((name) => existsSync(this.path(name))).map((name) => ({ name, pem: readFileSync(this.path(name), 'utf8') }));
  }

  private archiveIdentity(): SigningIdentity {
    if (this.identity === undefined) {
      const chain = this.path('issuing-ca.cert.pem');
      this.identity = loadSigningIdentity({
        certificatePem: this.read('archive.cert.pem', "the archive's certificate"),
        privateKeyPem: this.readKey('archive', "the archive's private key"),
        chainPem: existsSync(chain) ? [readFileSync(chain, 'utf8')] : [],
      });
    }
    return this.identity;
  }

  private timestampProvider(): TimestampProvider {
    if (this.timestamps === undefined) {
      if (this.settings.tsaUrl !== undefined) {
        this.timestamps = new HttpTimestampClient(this.settings.tsaUrl);
      } else {
        const chain = this.path('issuing-ca.cert.pem');
        this.timestamps = new LocalTimestampAuthority(
          loadSigningIdentity({
            certificatePem: this.read('tsa.cert.pem', "the time-stamp authority's certificate"),
            privateKeyPem: this.readKey('tsa', "the time-stamp authority's key"),
            chainPem: existsSync(chain) ? [readFileSync(chain, 'utf8')] : [],
          }),
        );
      }
    }
    return this.timestamps;
  }

  private path(name: string): string {
    return join(this.settings.pkiDir, name);
  }

  private read(name: string, what: string): string {
    return this.readFile(this.path(name), what);
  }

  /** A private key, from archival's own secrets folder (never the PKI folder every service reads). */
  private readKey(base: string, what: string): string {
    return this.readFile(privateKeyFileIn(this.settings.secretsDir, base), what);
  }

  private readFile(file: string, what: string): string {
    if (!existsSync(file)) throw new ArchiveKeyMissingError(`${what} is missing (${file}): run \`edoc provision\` to create the archive's credential`);
    return readFileSync(file, 'utf8');
  }
}
