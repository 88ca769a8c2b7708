import { createHash } from 'node:crypto';
import { PkiError, type SigningKey, type TimestampProvider, signCms, signatureTimestampAttribute, verifyTimestampToken } from '@edoc/pki';
import { PdfSignError } from '../errors';

/**
 * The CMS for a PAdES signature: CAdES-BES signed attributes over the byte-range digest (B-B) and,
 * with a time-stamp provider, a signature time-stamp over the signature value (B-T).
 */
export async function createPadesCms(identity: SigningKey, digest: Buffer, timestamp?: TimestampProvider): Promise<Buffer> {
  const prepared = signCms({ identity, contentDigest: digest });
  if (!timestamp) return prepared.encode();
  const imprint = createHash('sha256').update(prepared.signatureValue).digest();
  let token: Buffer;
  try {
    token = await timestamp.timestamp(imprint, 'sha256');
  } catch (e) {
    const reason = e instanceof PkiError || e instanceof PdfSignError ? e.message : `unexpected error: ${(e as Error).message}`;
    throw new PdfSignError('TIMESTAMP_FAILED', `could not obtain the signature time-stamp: ${reason}`);
  }
  // Never embed a token that does not stamp this signature.
  const check = verifyTimestampToken(token, { hash: 'sha256', digest: imprint });
  if (check.problems.length) throw new PdfSignError('TIMESTAMP_FAILED', `the time-stamp authority returned an unusable token: ${check.problems.join('; ')}`);
  return prepared.encode([signatureTimestampAttribute(token)]);
}

/** Upper estimate of the CMS size, to reserve the /Contents placeholder. */
export function estimateCmsSize(identity: SigningKey, timestamp?: TimestampProvider): number {
  const certs = [identity.certificate, ...identity.chain].reduce((n, c) => n + c.der.length, 0);
  const attributes = 300 + 2 * identity.certificate.issuer.der.length;
  const tokenSize = timestamp ? (timestamp.estimatedTokenSize?.() ?? 12_000) + 64 : 0;
  return certs + attributes + identity.signatureSize + 400 + tokenSize;
}
