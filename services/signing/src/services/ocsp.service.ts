import { Injectable } from '@nestjs/common';
import { buildOcspErrorResponse, OcspResponder, type ParsedCertificate, parseCertificatePem } from '@edoc/pki';
import { CredentialsRepository } from '../repositories/credentials.repository';

/**
 * The district issuing CA's OCSP responder (RFC 6960), signed by the delegated responder key that
 * provisioning gives the signing service. It serves relying parties over HTTP, and gives each
 * issued document its signers' answers for the /DSS (B-LT). Without a responder key it answers
 * `unauthorized`, as RFC 6960 says a server that cannot answer for a CA does.
 */
@Injectable()
export class OcspService {
  private responder: OcspResponder | undefined;

  constructor(private readonly credentials: CredentialsRepository) {}

  respond(requestDer: Buffer): Buffer {
    return this.ready()?.respond(requestDer) ?? buildOcspErrorResponse('unauthorized');
  }

  /** One answer about certificates of the issuing CA, for a document's validation data; undefined without a responder or without certificates. */
  answerFor(certificates: readonly ParsedCertificate[]): Buffer | undefined {
    return certificates.length === 0 ? undefined : this.ready()?.answerFor(certificates);
  }

  private ready(): OcspResponder | undefined {
    if (this.responder !== undefined) return this.responder;
    const signer = this.credentials.ocspResponder();
    const issuerPem = this.credentials.publishedFile('issuing-ca.cert.pem');
    if (signer === undefined || issuerPem === undefined) return undefined;
    this.responder = new OcspResponder({ issuer: parseCertificatePem(issuerPem, 'issuing CA certificate'), signer, revoked: () => this.credentials.revocations() });
    return this.responder;
  }
}
