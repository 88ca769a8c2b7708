import { existsSync, readFileSync } from 'node:fs';
import { type ParsedCertificate, parseCertificatesPem } from '@edoc/pki';

/**
 * What a verifier of the audit trail trusts, taken from outside the data it checks: the root
 * certificates of the district's PKI and the archive's own certificate(s). A checkpoint or manifest
 * counts only when its signer is one of the archive certificates AND chains to a root; a package
 * that brought its own certificates could otherwise vouch for itself.
 */
export interface AuditTrust {
  anchors: ParsedCertificate[];
  archiveCertificates: ParsedCertificate[];
}

export class TrustConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrustConfigurationError';
  }
}

/** Reads PEM files; each may hold several certificates. A missing or unreadable file is named. */
export function loadTrust(files: { anchors: readonly string[]; archiveCertificates: readonly string[] }): AuditTrust {
  if (files.anchors.length === 0) throw new TrustConfigurationError('no trust anchor: give the root CA certificate of the district PKI (--ca FILE)');
  if (files.archiveCertificates.length === 0) throw new TrustConfigurationError("no archive certificate: give the archive's signing certificate (--archive-cert FILE)");
  return {
    anchors: files.anchors.flatMap((file) => readCertificates(file, 'trust anchor')),
    archiveCertificates: files.archiveCertificates.flatMap((file) => readCertificates(file, 'archive certificate')),
  };
}

/** Trust from PEM text (tests and callers that already hold the certificates). */
export function trustFromPem(anchorsPem: readonly string[], archivePem: readonly string[]): AuditTrust {
  return {
    anchors: anchorsPem.flatMap((pem) => parseCertificatesPem(pem, 'trust anchor')),
    archiveCertificates: archivePem.flatMap((pem) => parseCertificatesPem(pem, 'archive certificate')),
  };
}

function readCertificates(file: string, what: string): ParsedCertificate[] {
  if (!existsSync(file)) throw new TrustConfigurationError(`${what} file ${file} does not exist`);
  try {
    return parseCertificatesPem(readFileSync(file, 'utf8'), what);
  } catch (error) {
    throw new TrustConfigurationError(`${what} file ${file}: ${(error as Error).message}`);
  }
}
