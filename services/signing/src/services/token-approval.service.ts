import { ConflictException, Injectable, ServiceUnavailableException, UnprocessableEntityException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { timestampFromDate } from '@edoc/contracts';
import { Database } from '@edoc/db';
import type { Principal } from '@edoc/identity';
import { externalSignatureMatches, PdfSignError } from '@edoc/pdf-sign';
import { EventOutbox, isUrgent } from '@edoc/runtime';
import { JobsRepository, SigningJob } from '../repositories/jobs.repository';
import { ExternalSigningService } from './external-signing.service';
import { RequestGate } from './request-gate.service';
import { ApprovalClient, approvalBy, emitApproval, requestView, SignatureRequestView } from './request-view';
import { SignatureWait } from './signature-wait';

/** What the signer's client needs to sign on the token. */
export interface TokenPreparation {
  documentId: string;
  /** DER of the CAdES signed attributes, base64: what the token signs with the certificate's key and hash. */
  signedAttributes: string;
  /** SHA-256 of the signed attributes, hex: for clients that sign a digest, and to show the signer. */
  signedAttributesDigest: string;
  signatureAlgorithm: 'ecdsa-with-SHA256' | 'sha256WithRSAEncryption';
  /** The signer's registered certificate, PEM: the token's key must be its key. */
  certificate: string;
}

const pem = (der: Buffer) => `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;

/**
 * Approving with the signer's own USB token: edoc never holds the key. The draft is prepared with
 * the signature field and a placeholder, the client signs the signed attributes on the token, and
 * edoc embeds the signature only after checking it against the signer's registered certificate.
 * Approval and signature are one act here: the request moves straight to person_signed.
 */
@Injectable()
export class TokenApprovalService {
  constructor(
    private readonly db: Database,
    private readonly jobs: JobsRepository,
    private readonly gate: RequestGate,
    private readonly external: ExternalSigningService,
    private readonly events: EventOutbox,
    private readonly wait: SignatureWait,
  ) {}

  /** Prepares once: asking again gives the same attributes to sign. */
  async prepare(principal: Principal, documentId: string, placementInput?: unknown): Promise<TokenPreparation> {
    const job = await this.gate.actable(principal, documentId);
    if (job.prepared !== null) return this.preparation(job);
    const placement = await this.gate.chosenPlacement(job, placementInput);
    const signer = this.gate.signerCertificate(job.signerUsername);
    const draft = await this.external.prepare(job, signer, placement);
    await this.db.transaction(async (tx) => {
      await this.gate.lockActable(tx, principal, documentId);
      const certificateSha256 = createHash('sha256').update(signer.certificate.der).digest('hex');
      await this.jobs.setPrepared(tx, documentId, { file: draft.file, signedAttributes: draft.prepared.signedAttributes, certificateSha256, preparedAt: new Date() });
    });
    return this.preparation(await this.gate.actable(principal, documentId));
  }

  async complete(principal: Principal, documentId: string, signatureBase64: unknown, client: ApprovalClient): Promise<SignatureRequestView> {
    const job = await this.gate.actable(principal, documentId);
    const prepared = job.prepared;
    if (prepared === null) throw new ConflictException(`request ${documentId} was not prepared for a token: POST /sign-requests/${documentId}/prepare first`);
    if (typeof signatureBase64 !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(signatureBase64) || signatureBase64.length > 2048) {
      throw new UnprocessableEntityException(['signature: the token\'s signature of the signed attributes, base64 (at most 1.5 KB)']);
    }
    const signature = Buffer.from(signatureBase64, 'base64');
    const signer = this.gate.signerCertificate(job.signerUsername);
    const certificateSha256 = createHash('sha256').update(signer.certificate.der).digest('hex');
    if (certificateSha256 !== prepared.certificateSha256) throw new ConflictException(`the certificate of ${job.signerUsername} changed since the request was prepared: prepare it again`);
    if (!externalSignatureMatches(signer, prepared.signedAttributes, signature)) {
      throw new UnprocessableEntityException([`signature: it does not verify with the certificate of ${job.signerUsername}; the token's key is not theirs, or it signed something else. Nothing was signed.`]);
    }
    let signedFile;
    try {
      signedFile = await this.external.complete(prepared.file, signer, prepared.signedAttributes, signature);
    } catch (error) {
      if (error instanceof PdfSignError && error.code === 'TIMESTAMP_FAILED') throw new ServiceUnavailableException(`${error.message}; send the same signature again`);
      if (error instanceof PdfSignError) throw new UnprocessableEntityException([`signature: ${error.message}`]);
      throw error;
    }
    const done = await this.db.transaction(async (tx) => {
      const locked = await this.gate.lockActable(tx, principal, documentId);
      const approval = approvalBy(principal, client, { holder: 'token', certificateSha256 }, 'token-pin');
      await this.jobs.markSignedExternally(tx, documentId, approval, signedFile);
      await emitApproval(this.events, tx, locked, approval);
      await this.events.emit(tx, 'personSignatureApplied', { documentId, issuerCode: locked.issuerCode, signedFile, signedAt: timestampFromDate(new Date()) }, { urgent: isUrgent(locked.metadata.priority) });
      return { ...locked, state: 'person_signed' as const, approval, personSignedFile: signedFile };
    });
    return requestView(done, this.wait);
  }

  private preparation(job: SigningJob): TokenPreparation {
    const prepared = job.prepared!;
    const { certificate } = this.gate.signerCertificate(job.signerUsername);
    return {
      documentId: job.documentId,
      signedAttributes: prepared.signedAttributes.toString('base64'),
      signedAttributesDigest: createHash('sha256').update(prepared.signedAttributes).digest('hex'),
      signatureAlgorithm: certificate.publicKey.asymmetricKeyType === 'rsa' ? 'sha256WithRSAEncryption' : 'ecdsa-with-SHA256',
      certificate: pem(certificate.der),
    };
  }
}
