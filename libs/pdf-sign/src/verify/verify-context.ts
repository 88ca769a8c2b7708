import type { ParsedCertificate, ParsedCrl } from '@edoc/pki';
import type { ByteSource } from '../core/byte-source';
import type { PdfDocument } from '../core/pdf-document';
import type { ReadLimits } from '../core/read-budget';

/** What every signature and time-stamp of one file is checked against. */
export interface VerifyContext {
  readonly source: ByteSource;
  readonly final: PdfDocument;
  readonly limits: ReadLimits;
  readonly anchors: readonly ParsedCertificate[];
  /** The given CRLs and those of the document's security store (/DSS). */
  readonly crls: readonly ParsedCrl[];
  /** Certificates of the document's security store: chains may be built through them. */
  readonly embeddedCertificates: readonly ParsedCertificate[];
  /** OCSP answers of the document's security store (DER). */
  readonly ocspResponses: readonly Buffer[];
  readonly validationTime: Date;
  readonly requireRevocation: boolean;
  readonly noteUnknownRevocation?: (cert: ParsedCertificate, issuer: ParsedCertificate) => void;
}
