import { Injectable, Logger } from '@nestjs/common';
import type { ValidationData } from '@edoc/pdf-sign';
import { type ParsedCertificate, parseCertificatesPem, parseCrlsPem } from '@edoc/pki';
import { CredentialsRepository, type PublicPkiFile } from '../repositories/credentials.repository';
import { OcspService } from './ocsp.service';
import { TimestampService } from './timestamp.service';

/**
 * What an issued document carries so that its signatures validate offline for the archive's life
 * (PAdES B-LT): the district CA's certificates, the time-stamp authority's, the latest CRLs, and
 * the CA's OCSP answer about the signers (one answer for all).
 * Read at each issuance: a revocation re-publishes the CRL while the service runs.
 */
@Injectable()
export class ValidationDataService {
  private readonly logger = new Logger('ValidationData');
  private warnedNoCrl = false;

  constructor(
    private readonly credentials: CredentialsRepository,
    private readonly timestamps: TimestampService,
    private readonly ocsp: OcspService,
  ) {}

  /** With `signers`: the OCSP responder's answer about them, when the district runs one (the CRLs cover them either way). */
  current(signers: readonly ParsedCertificate[] = []): ValidationData {
    const certificates = [...this.certificates('root-ca.cert.pem'), ...this.certificates('issuing-ca.cert.pem'), ...this.timestampAuthorityCertificates()];
    const crls = (['issuing-ca.crl.pem', 'root-ca.crl.pem'] as const).flatMap((name) => {
      const pem = this.credentials.publishedFile(name);
      return pem === undefined ? [] : parseCrlsPem(pem, name).map((crl) => crl.der);
    });
    if (crls.length === 0 && !this.warnedNoCrl) {
      this.warnedNoCrl = true;
      this.logger.warn('no CRL is published (pki/issuing-ca.crl.pem): issued documents carry certificates but no revocation data; run `edoc pki crl`');
    }
    const answer = this.ocsp.answerFor(signers);
    const ocspResponses = answer === undefined ? [] : [answer];
    return { certificates, crls, ocspResponses };
  }

  private certificates(name: PublicPkiFile): Buffer[] {
    const pem = this.credentials.publishedFile(name);
    return pem === undefined ? [] : parseCertificatesPem(pem, name).map((certificate) => certificate.der);
  }

  /** The local authority's certificate and chain; a remote one's travel inside its tokens. */
  private timestampAuthorityCertificates(): Buffer[] {
    if (!this.timestamps.isLocal()) return [];
    const identity = this.credentials.timestampAuthority();
    return [identity.certificate, ...identity.chain].map((certificate) => certificate.der);
  }
}
