import type { VerificationReport } from '@edoc/pdf-sign';

/**
 * When the newest valid time-stamp of a file stops proving anything: its TSA's certificate
 * expires. The newest one (the latest revision's) covers everything before it, so it alone has to
 * be renewed in time. Undefined when the file carries no valid time-stamp.
 */
export function timestampHorizon(report: VerificationReport): Date | undefined {
  const stamped = report.signatures
    .filter((signature) => signature.timestamp?.valid === true && signature.timestamp.tsaCertificateExpires !== undefined)
    .sort((a, b) => (b.signedLength ?? 0) - (a.signedLength ?? 0));
  const newest = stamped[0]?.timestamp?.tsaCertificateExpires;
  return newest === undefined ? undefined : new Date(newest);
}
