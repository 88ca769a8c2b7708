import { createHash } from 'node:crypto';
import { OID, type HashName } from '../asn1/oids';
import type { ParsedCertificate } from '../certificates/parse-certificate';
import { parseSignedData } from '../cms/parse-signed-data';
import { checkSigningCertificateReference } from '../cms/signing-certificate-reference';
import { digestAlgorithmOf, findSignerCertificate, parseEmbeddedCertificates, signedContentType, signedMessageDigest, verifySignerSignature } from '../cms/verify-signer-info';
import { parseTstInfo, type TstInfo } from './timestamp-messages';

export interface TimestampTokenVerification {
  readonly tstInfo?: TstInfo;
  readonly tsaCertificate?: ParsedCertificate;
  /** Every certificate carried in the token, for building the TSA's chain. */
  readonly certificates: readonly ParsedCertificate[];
  /** Empty when the token is intact, signed by its TSA certificate and stamps the expected digest. */
  readonly problems: readonly string[];
}

/**
 * Checks a TimeStampToken on its own: structure, the TSA's signature, the ESS certificate binding
 * and that it stamps `expected`. Whether the TSA is trusted is the caller's path validation.
 */
export function verifyTimestampToken(token: Buffer, expected: { hash: HashName; digest: Buffer }, extraCertificates: readonly ParsedCertificate[] = []): TimestampTokenVerification {
  const problems: string[] = [];
  let signed;
  try {
    signed = parseSignedData(token);
  } catch (e) {
    return { certificates: [], problems: [(e as Error).message] };
  }
  const certificates = parseEmbeddedCertificates(signed.certificates);
  if (signed.contentType !== OID.tstInfo || !signed.eContent) return { certificates, problems: ['token does not encapsulate a TSTInfo'] };
  let tstInfo: TstInfo;
  try {
    tstInfo = parseTstInfo(signed.eContent);
  } catch (e) {
    return { certificates, problems: [`TSTInfo unreadable: ${(e as Error).message}`] };
  }
  if (tstInfo.hash !== expected.hash || !tstInfo.hashedMessage.equals(expected.digest)) problems.push('the token stamps a different digest (message imprint mismatch)');
  const si = signed.signerInfos[0];
  const tsaCertificate = findSignerCertificate(si, [...certificates, ...extraCertificates]);
  const hash = digestAlgorithmOf(si);
  if (!hash) problems.push(`unsupported digest algorithm ${si.digestAlgorithmOid}`);
  if (signedContentType(si) !== OID.tstInfo) problems.push('content-type attribute is not id-ct-TSTInfo');
  const md = signedMessageDigest(si);
  if (!md || !hash || !md.equals(createHash(hash).update(signed.eContent).digest())) problems.push('message-digest attribute does not match the TSTInfo');
  if (!tsaCertificate) {
    problems.push('the TSA certificate is not in the token');
  } else {
    if (!verifySignerSignature(si, tsaCertificate)) problems.push('the TSA signature does not verify');
    const ref = checkSigningCertificateReference(si.signedAttributes, tsaCertificate);
    if (ref.status === 'absent') problems.push('no ESS signing-certificate attribute (RFC 3161 requires one)');
    if (ref.status === 'mismatch') problems.push(`ESS signing-certificate attribute: ${ref.detail}`);
    if (!tsaCertificate.extKeyUsage?.includes(OID.kpTimeStamping)) problems.push('the TSA certificate lacks the timeStamping extended key usage');
  }
  return { tstInfo, tsaCertificate, certificates, problems };
}
