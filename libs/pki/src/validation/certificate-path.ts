import { formatName, sameName } from '../asn1/name';
import { type ParsedCertificate, isSignedBy } from '../certificates/parse-certificate';
import type { ParsedCrl } from '../crl/parse-crl';

const MAX_DEPTH = 8;

/**
 * Finds a path leaf → … → trust anchor in which each certificate's signature verifies with the
 * next one's key. Returns undefined when no such path exists.
 */
export function buildCertificatePath(leaf: ParsedCertificate, pool: readonly ParsedCertificate[], anchors: readonly ParsedCertificate[]): ParsedCertificate[] | undefined {
  const anchorHashes = new Set(anchors.map((a) => a.sha256));
  const candidates = [...anchors, ...pool.filter((c) => !anchorHashes.has(c.sha256))];
  const walk = (path: ParsedCertificate[]): ParsedCertificate[] | undefined => {
    const current = path[path.length - 1];
    if (anchorHashes.has(current.sha256)) return path;
    if (path.length > MAX_DEPTH) return undefined;
    for (const next of candidates) {
      if (path.some((p) => p.sha256 === next.sha256)) continue;
      if (!sameName(current.issuer, next.subject)) continue;
      if (current.authorityKeyId && next.subjectKeyId && !current.authorityKeyId.equals(next.subjectKeyId)) continue;
      if (!isSignedBy(current, next)) continue;
      const found = walk([...path, next]);
      if (found) return found;
    }
    return undefined;
  };
  return walk([leaf]);
}

/** Problems with the CA certificates of a path (basic constraints, key usage, path length). */
export function checkCaConstraints(path: readonly ParsedCertificate[]): string[] {
  const problems: string[] = [];
  for (let i = 1; i < path.length; i++) {
    const ca = path[i];
    const name = formatName(ca.subject);
    if (!ca.basicConstraints?.ca) problems.push(`${name} is not a CA certificate but issued ${formatName(path[i - 1].subject)}`);
    if (ca.keyUsage && !ca.keyUsage.includes('keyCertSign')) problems.push(`${name} may not sign certificates (no keyCertSign)`);
    const intermediatesBelow = i - 1; // CA certificates between this one and the leaf
    if (ca.basicConstraints?.pathLength !== undefined && intermediatesBelow > ca.basicConstraints.pathLength) problems.push(`${name} path length constraint exceeded`);
  }
  return problems;
}

export type ValidityStatus = 'valid' | 'expired' | 'not-yet-valid';

export function validityAt(cert: ParsedCertificate, at: Date): ValidityStatus {
  if (at < cert.notBefore) return 'not-yet-valid';
  if (at > cert.notAfter) return 'expired';
  return 'valid';
}

export type RevocationStatus =
  /** `source`: a CRL of that date, or an OCSP answer produced then. */
  | { readonly status: 'good'; readonly crlThisUpdate: Date; readonly source?: 'crl' | 'ocsp' }
  | { readonly status: 'revoked'; readonly revokedAt: Date; readonly reason?: string }
  | { readonly status: 'unknown'; readonly detail: string };

/** Looks the certificate up in a CRL that its issuer signed. */
export function revocationStatus(cert: ParsedCertificate, issuer: ParsedCertificate, crls: readonly ParsedCrl[]): RevocationStatus {
  const own = crls.filter((crl) => sameName(crl.issuer, cert.issuer));
  const signed = own.filter((crl) => crl.isSignedBy(issuer));
  if (signed.length === 0) {
    return { status: 'unknown', detail: own.length ? `the CRL of ${formatName(cert.issuer)} is not signed by the issuing CA` : `no CRL of ${formatName(cert.issuer)} available` };
  }
  // The most recent CRL has the final word.
  const latest = signed.reduce((a, b) => (b.thisUpdate > a.thisUpdate ? b : a));
  const entry = latest.entries.get(cert.serialHex);
  if (entry) return { status: 'revoked', revokedAt: entry.revokedAt, reason: entry.reason };
  return { status: 'good', crlThisUpdate: latest.thisUpdate };
}
