import { createHash } from 'node:crypto';
import {
  attributeValues,
  buildCertificatePath,
  checkCaConstraints,
  checkSigningCertificateReference,
  describeSubject,
  digestAlgorithmOf,
  findSignerCertificate,
  OID,
  type ParsedCertificate,
  parseEmbeddedCertificates,
  parseSignedData,
  signatureTimestampAttribute,
  signCms,
  signedMessageDigest,
  type SigningIdentity,
  type TimestampProvider,
  validityAt,
  verifySignerSignature,
  verifyTimestampToken,
} from '@edoc/pki';
import type { AuditTrust } from './trust';

/**
 * Signs `content` with the archive's key: a detached CMS SignedData (CAdES-BES attributes) whose
 * SignerInfo carries an RFC 3161 time-stamp over the signature value (as in CAdES-T), so the time
 * of signing is vouched for by the time-stamp authority, not by the archive's clock.
 */
export async function signDetached(content: Buffer, identity: SigningIdentity, timestamps: TimestampProvider): Promise<Buffer> {
  const contentDigest = createHash(identity.signatureAlgorithm.hash).update(content).digest();
  const prepared = signCms({ identity, contentDigest });
  const token = await timestamps.timestamp(createHash('sha256').update(prepared.signatureValue).digest(), 'sha256');
  return prepared.encode([signatureTimestampAttribute(token)]);
}

export interface DetachedSignatureCheck {
  signer?: ParsedCertificate;
  /** The time-stamp's time, when the time-stamp is valid. */
  timestampedAt?: Date;
  /** Empty when the signature is valid, by a trusted archive certificate, and time-stamped by a trusted TSA. */
  problems: string[];
}

/** Checks a signature made by `signDetached` over `content` against the verifier's own trust. */
export function verifyDetached(content: Buffer, signature: Buffer, trust: AuditTrust): DetachedSignatureCheck {
  let signed;
  try {
    signed = parseSignedData(signature);
  } catch (error) {
    return { problems: [`the signature is not a CMS SignedData (${(error as Error).message})`] };
  }
  if (signed.signerInfos.length !== 1) return { problems: [`the signature has ${signed.signerInfos.length} signers, expected 1`] };
  const si = signed.signerInfos[0];
  const embedded = parseEmbeddedCertificates(signed.certificates);
  const signer = findSignerCertificate(si, [...embedded, ...trust.archiveCertificates]);
  if (signer === undefined) return { problems: ["the signer's certificate is neither in the signature nor among the trusted archive certificates"] };
  const problems: string[] = [];
  const hash = digestAlgorithmOf(si);
  const digest = signedMessageDigest(si);
  if (hash === undefined) problems.push(`unsupported digest algorithm ${si.digestAlgorithmOid}`);
  else if (digest === undefined || !digest.equals(createHash(hash).update(content).digest())) problems.push('the signed digest does not match the content: the content was changed after signing');
  if (!verifySignerSignature(si, signer)) problems.push('the signature value does not verify with the signer certificate');
  const reference = checkSigningCertificateReference(si.signedAttributes, signer);
  if (reference.status !== 'match') problems.push(`the signing-certificate attribute ${reference.status === 'absent' ? 'is missing' : `does not match (${reference.detail})`}`);
  if (!trust.archiveCertificates.some((cert) => cert.sha256 === signer.sha256)) {
    problems.push(`signed by ${describeSubject(signer)} (serial ${signer.serialHex}), which is not a trusted archive certificate (unknown key)`);
  }
  const path = buildCertificatePath(signer, embedded, trust.anchors);
  if (path === undefined) problems.push(`the signer certificate ${describeSubject(signer)} does not chain to a trusted root`);
  else problems.push(...checkCaConstraints(path));

  const timestampedAt = checkTimestamp(si.signature, attributeValues(si.unsignedAttributes, OID.signatureTimeStampToken), trust, problems);
  if (timestampedAt !== undefined) {
    const validity = validityAt(signer, timestampedAt);
    if (validity !== 'valid') problems.push(`the signer certificate was ${validity} at the time-stamp ${timestampedAt.toISOString()}`);
  }
  return { signer, timestampedAt, problems };
}

function checkTimestamp(signatureValue: Buffer, tokens: readonly Buffer[], trust: AuditTrust, problems: string[]): Date | undefined {
  if (tokens.length !== 1) {
    problems.push(tokens.length === 0 ? 'the signature has no RFC 3161 time-stamp' : 'the signature has several time-stamps');
    return undefined;
  }
  const check = verifyTimestampToken(tokens[0], { hash: 'sha256', digest: createHash('sha256').update(signatureValue).digest() });
  problems.push(...check.problems.map((problem) => `time-stamp: ${problem}`));
  if (check.tsaCertificate !== undefined && buildCertificatePath(check.tsaCertificate, check.certificates, trust.anchors) === undefined) {
    problems.push(`time-stamp: the TSA certificate ${describeSubject(check.tsaCertificate)} does not chain to a trusted root`);
  }
  return check.problems.length === 0 ? check.tstInfo?.genTime : undefined;
}
