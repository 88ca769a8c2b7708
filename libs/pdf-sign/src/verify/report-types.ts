import type { DamageNote } from '../core/damage';
import type { RevocationFetch } from '@edoc/pki';

/** ETSI EN 319 102-1 main indications. */
export type Indication = 'TOTAL_PASSED' | 'TOTAL_FAILED' | 'INDETERMINATE';

/** The ETSI EN 319 102-1 sub-indications this verifier can reach. */
export type SubIndication =
  | 'FORMAT_FAILURE'
  | 'HASH_FAILURE'
  | 'SIG_CRYPTO_FAILURE'
  | 'REVOKED'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'NO_SIGNING_CERTIFICATE_FOUND'
  | 'NO_CERTIFICATE_CHAIN_FOUND'
  | 'CHAIN_CONSTRAINTS_FAILURE'
  | 'CERTIFICATE_CHAIN_GENERAL_FAILURE'
  | 'SIG_CONSTRAINTS_FAILURE'
  | 'CRYPTO_CONSTRAINTS_FAILURE'
  | 'REVOKED_NO_POE'
  | 'REVOKED_CA_NO_POE'
  | 'OUT_OF_BOUNDS_NO_POE'
  | 'TRY_LATER';

export type CheckName =
  | 'byte-range'
  | 'cms-structure'
  | 'digest'
  | 'signing-certificate'
  | 'signature-value'
  | 'signing-certificate-reference'
  | 'certificate-chain'
  | 'certificate-validity'
  | 'key-usage'
  | 'revocation'
  | 'timestamp'
  | 'later-revisions';

export interface Check {
  readonly name: CheckName;
  readonly status: 'pass' | 'fail' | 'skip';
  readonly detail: string;
}

export interface SignerSummary {
  readonly subject: string;
  readonly commonName?: string;
  readonly serialHex: string;
  readonly orgCode?: string;
  readonly position?: string;
  readonly issuer: string;
}

export interface TimestampSummary {
  readonly genTime: string;
  readonly tsa?: string;
  /** When the TSA's certificate expires: the time-stamp must be renewed (a newer one over it) before then. */
  readonly tsaCertificateExpires?: string;
  readonly serialHex?: string;
  readonly valid: boolean;
}

export interface SignatureReport {
  /** A signer's signature, or a document time-stamp (ETSI.RFC3161: a TSA's token over the file, no signer). */
  readonly kind: 'signature' | 'document-timestamp';
  readonly fieldName: string;
  readonly subFilter?: string;
  readonly signer?: SignerSummary;
  /** ISO time the checks used: the time-stamp when valid, else the claimed time (/M). */
  readonly signingTime?: string;
  readonly signingTimeSource: 'timestamp' | 'claimed' | 'none';
  readonly coversWholeFile: boolean;
  /** Bytes of the file this signature covers (the end of its revision). */
  readonly signedLength?: number;
  readonly timestamp?: TimestampSummary;
  readonly indication: Indication;
  readonly subIndication?: SubIndication;
  readonly checks: readonly Check[];
}

export interface VerificationReport {
  readonly signatures: readonly SignatureReport[];
  /** True when there is at least one signature and every one is TOTAL_PASSED. */
  readonly valid: boolean;
  readonly fileLength: number;
  /** Set when the file's cross-reference data is damaged and was rebuilt from its objects to read it. */
  readonly damaged?: DamageNote;
  /** Revocation data fetched online for this verification (verifyPdfOnline): each URL and what came of it. */
  readonly onlineRevocation?: readonly RevocationFetch[];
}

export interface TrustOptions {
  /** Trust anchors (root CA certificates), PEM; each string may hold several. */
  readonly anchorsPem: readonly string[];
  readonly crlsPem?: readonly string[];
  /** Validation time; default now. */
  readonly at?: Date;
  /** When true, a certificate whose revocation status is unknown makes the signature INDETERMINATE. */
  readonly requireRevocation?: boolean;
}
