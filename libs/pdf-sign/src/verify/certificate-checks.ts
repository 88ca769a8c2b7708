import { type ParsedCertificate, type ParsedCrl, type RevocationStatus, buildCertificatePath, checkCaConstraints, formatName, ocspRevocationStatus, revocationStatus, validityAt } from '@edoc/pki';
import type { Check, Indication, SubIndication } from './report-types';

/** A check with the verdict it implies when it fails. */
export interface Finding {
  readonly check: Check;
  readonly indication?: Indication;
  readonly subIndication?: SubIndication;
}

export const pass = (name: Check['name'], detail: string): Finding => ({ check: { name, status: 'pass', detail } });
export const skip = (name: Check['name'], detail: string): Finding => ({ check: { name, status: 'skip', detail } });
export const fail = (name: Check['name'], detail: string, indication: Indication, subIndication: SubIndication): Finding => ({ check: { name, status: 'fail', detail }, indication, subIndication });

export interface ChainContext {
  readonly pool: readonly ParsedCertificate[];
  readonly anchors: readonly ParsedCertificate[];
  readonly crls: readonly ParsedCrl[];
  /** OCSP answers of the document's security store (DER). */
  readonly ocspResponses: readonly Buffer[];
  /** When the signature was made: the time-stamp if there is a valid one, else the claimed time. */
  readonly signingTime: Date;
  readonly hasPoe: boolean;
  readonly validationTime: Date;
  readonly requireRevocation: boolean;
  /** Told of each certificate in a trusted path whose revocation status is unknown, to look it up online. */
  readonly noteUnknownRevocation?: (cert: ParsedCertificate, issuer: ParsedCertificate) => void;
}

/** Chain to an anchor, validity at the signing time, CA constraints and revocation of a signer. */
export function checkCertificate(cert: ParsedCertificate, ctx: ChainContext, role: 'signer' | 'TSA'): { findings: Finding[]; path?: ParsedCertificate[] } {
  const findings: Finding[] = [];
  const path = buildCertificatePath(cert, ctx.pool, ctx.anchors);
  const chainName = role === 'signer' ? 'certificate-chain' : 'timestamp';
  if (!path) {
    findings.push(fail(chainName, `no chain from ${formatName(cert.subject)} to a trust anchor (issuer ${formatName(cert.issuer)} not found or its signature does not verify)`, 'INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND'));
    return { findings };
  }
  const constraints = checkCaConstraints(path);
  if (constraints.length) findings.push(fail(chainName, constraints.join('; '), 'INDETERMINATE', 'CHAIN_CONSTRAINTS_FAILURE'));
  else if (role === 'signer') findings.push(pass('certificate-chain', path.map((c) => formatName(c.subject)).join(' ← ')));

  if (role === 'signer') findings.push(...validity(cert, path, ctx));

  for (let i = 0; i < path.length - 1; i++) {
    const subject = path[i];
    const status = revocationOf(subject, path[i + 1] as ParsedCertificate, ctx);
    const who = i === 0 ? `the ${role} certificate` : `CA certificate ${formatName(subject.subject)}`;
    if (status.status === 'revoked') {
      const when = status.revokedAt.toISOString();
      if (status.revokedAt <= ctx.signingTime) {
        findings.push(
          i === 0
            ? fail('revocation', `${who} was revoked at ${when}${status.reason ? ` (${status.reason})` : ''}, before the signing time ${ctx.signingTime.toISOString()}`, 'TOTAL_FAILED', 'REVOKED')
            : fail('revocation', `${who} was revoked at ${when}`, 'INDETERMINATE', 'REVOKED_CA_NO_POE'),
        );
      } else if (ctx.hasPoe) {
        findings.push(pass('revocation', `${who} was revoked at ${when}, after the time-stamp ${ctx.signingTime.toISOString()}`));
      } else {
        findings.push(fail('revocation', `${who} was revoked at ${when}; without a time-stamp nothing proves the signature is older`, 'INDETERMINATE', i === 0 ? 'REVOKED_NO_POE' : 'REVOKED_CA_NO_POE'));
      }
    } else if (status.status === 'unknown') {
      ctx.noteUnknownRevocation?.(subject, path[i + 1] as ParsedCertificate);
      findings.push(ctx.requireRevocation ? fail('revocation', `revocation status of ${who} unknown: ${status.detail}`, 'INDETERMINATE', 'TRY_LATER') : skip('revocation', `revocation status of ${who} not checked: ${status.detail}`));
    } else {
      findings.push(pass('revocation', status.source === 'ocsp' ? `${who} was good by the OCSP answer of ${status.crlThisUpdate.toISOString()}` : `${who} is not on the CRL of ${status.crlThisUpdate.toISOString()}`));
    }
  }
  return { findings, path };
}

/** A CRL of the issuer when there is one, else the OCSP answers the document carries. */
function revocationOf(cert: ParsedCertificate, issuer: ParsedCertificate, ctx: ChainContext): RevocationStatus {
  const byCrl = revocationStatus(cert, issuer, ctx.crls);
  if (byCrl.status !== 'unknown' || ctx.ocspResponses.length === 0) return byCrl;
  const byOcsp = ocspRevocationStatus(cert, issuer, ctx.ocspResponses);
  return byOcsp.status === 'unknown' ? { status: 'unknown', detail: `${byCrl.detail}; ${byOcsp.detail}` } : byOcsp;
}

function validity(cert: ParsedCertificate, path: ParsedCertificate[], ctx: ChainContext): Finding[] {
  const at = ctx.signingTime;
  const state = validityAt(cert, at);
  const range = `${cert.notBefore.toISOString()} – ${cert.notAfter.toISOString()}`;
  if (state === 'expired') return [fail('certificate-validity', `the signing certificate (valid ${range}) had expired at the signing time ${at.toISOString()}`, 'TOTAL_FAILED', 'EXPIRED')];
  if (state === 'not-yet-valid') return [fail('certificate-validity', `the signing certificate (valid ${range}) was not yet valid at the signing time ${at.toISOString()}`, 'TOTAL_FAILED', 'NOT_YET_VALID')];
  const badCa = path.slice(1, -1).find((c) => validityAt(c, at) !== 'valid');
  if (badCa) return [fail('certificate-validity', `CA certificate ${formatName(badCa.subject)} was not valid at the signing time ${at.toISOString()}`, 'INDETERMINATE', 'CERTIFICATE_CHAIN_GENERAL_FAILURE')];
  if (!ctx.hasPoe && validityAt(cert, ctx.validationTime) !== 'valid') {
    return [fail('certificate-validity', `the signing certificate (valid ${range}) is not valid now and no time-stamp proves the signature was made while it was`, 'INDETERMINATE', 'OUT_OF_BOUNDS_NO_POE')];
  }
  return [pass('certificate-validity', `valid ${range}, signing time ${at.toISOString()}`)];
}

/** TOTAL_FAILED beats INDETERMINATE; within each, the first failing check in order decides. */
export function verdict(findings: Finding[]): { indication: Indication; subIndication?: SubIndication; checks: Check[] } {
  const checks = findings.map((f) => f.check);
  const failed = findings.find((f) => f.indication === 'TOTAL_FAILED') ?? findings.find((f) => f.indication === 'INDETERMINATE');
  if (failed) return { indication: failed.indication as Indication, subIndication: failed.subIndication, checks };
  return { indication: 'TOTAL_PASSED', checks };
}
