import { createHash } from 'node:crypto';
import {
  OID,
  type ParsedCertificate,
  checkSigningCertificateReference,
  commonNameOf,
  digestAlgorithmOf,
  findSignerCertificate,
  formatName,
  organisationCodeOf,
  parseEmbeddedCertificates,
  parseSignedData,
  parseTstInfo,
  positionOf,
  signedContentType,
  signedMessageDigest,
  verifySignerSignature,
  verifyTimestampToken,
  type ParsedSignerInfo,
  type HashName,
} from '@edoc/pki';
import { PdfString } from '../core/pdf-objects';
import { parsePdfDate } from '../core/pdf-date';
import { type ChainContext, type Finding, checkCertificate, fail, pass, skip, verdict } from './certificate-checks';
import { laterRevisionFinding } from './later-revisions';
import { modificationPermissionOf } from './modification-permission';
import { timestampSummary } from './timestamp-summary';
import type { VerifyContext } from './verify-context';
import type { FoundSignature } from './find-signatures';
import type { SignatureReport, SignerSummary, TimestampSummary } from './report-types';
import { DOCUMENT_TIMESTAMP_SUBFILTER, SUPPORTED_SUBFILTERS, byteRangeShape } from './byte-range';
import { verifyDocumentTimestamp } from './verify-document-timestamp';


export function verifySignature(found: FoundSignature, ctx: VerifyContext): SignatureReport {
  const findings: Finding[] = [];
  const sig = found.sigDict;
  const subFilter = sig.nameOf('SubFilter');
  const base = { kind: 'signature' as const, fieldName: found.fieldName, subFilter };
  const done = (extra: Partial<SignatureReport>): SignatureReport => ({ ...base, signingTimeSource: 'none', coversWholeFile: false, ...extra, ...verdict(findings) });

  // 1. Shape of /ByteRange: [0 a b c] with the gap exactly on this dictionary's /Contents.
  const length = ctx.source.length;
  const shape = byteRangeShape(ctx.final, sig, length);
  const { coversWholeFile, signedLength } = shape;
  if (shape.problem || !shape.gap || !shape.contents || signedLength === undefined) {
    findings.push(fail('byte-range', shape.problem ?? 'unusable /ByteRange', 'TOTAL_FAILED', 'FORMAT_FAILURE'));
    return done(signedLength === undefined ? {} : { coversWholeFile, signedLength });
  }
  const [b, c] = shape.gap;
  const d = signedLength - c;
  const contents = shape.contents;
  findings.push(pass('byte-range', `covers bytes [0, ${b}) and [${c}, ${signedLength}) of ${length}${coversWholeFile ? ' (the whole file)' : ''}`));
  if (subFilter === DOCUMENT_TIMESTAMP_SUBFILTER) {
    return verifyDocumentTimestamp({ fieldName: found.fieldName, token: contents.bytes, ranges: [[0, b], [c, d]], coversWholeFile, signedLength, findings }, ctx);
  }
  if (!subFilter || !SUPPORTED_SUBFILTERS.has(subFilter)) {
    findings.push(fail('cms-structure', `SubFilter ${subFilter ?? '(none)'} is not supported (ETSI.CAdES.detached, adbe.pkcs7.detached, ETSI.RFC3161)`, 'INDETERMINATE', 'FORMAT_FAILURE'));
    return done({ coversWholeFile, signedLength });
  }

  // 2. The CMS.
  let signed;
  try {
    signed = parseSignedData(contents.bytes);
    if (signed.signerInfos.length !== 1) throw new Error(`${signed.signerInfos.length} signers (PAdES requires exactly one)`);
    if (signed.eContent) throw new Error('the CMS encapsulates content; a PDF signature must be detached');
  } catch (e) {
    findings.push(fail('cms-structure', `the signature is not a usable CMS SignedData: ${(e as Error).message}`, 'TOTAL_FAILED', 'FORMAT_FAILURE'));
    return done({ coversWholeFile, signedLength });
  }
  const si = signed.signerInfos[0];
  const hash = digestAlgorithmOf(si);
  const certs = parseEmbeddedCertificates(signed.certificates);
  const claimed = claimedTime(sig.get('M'));
  const structure = structureProblems(si, subFilter);
  findings.push(structure ? fail('cms-structure', structure, 'TOTAL_FAILED', 'FORMAT_FAILURE') : pass('cms-structure', `${subFilter}, one signer, digest ${hash}`));

  // 3. Digest of the byte ranges.
  if (!hash) {
    findings.push(fail('digest', `unsupported digest algorithm ${si.digestAlgorithmOid}`, 'INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE'));
  } else {
    // The ranges are hashed as they are read: from a file, they are never held whole.
    const digester = createHash(hash);
    for (const [offset, count] of [[0, b], [c, d]]) ctx.source.scan(offset, count, (piece) => digester.update(piece));
    const digest = digester.digest();
    const md = signedMessageDigest(si);
    if (md && md.equals(digest)) findings.push(pass('digest', `${hash} of the signed ranges matches the message-digest attribute`));
    else findings.push(fail('digest', md ? `${hash} of the signed ranges differs from the message-digest attribute: the signed bytes were changed` : 'no message-digest attribute', 'TOTAL_FAILED', 'HASH_FAILURE'));
    if (hash === 'sha1') findings.push(fail('digest', 'SHA-1 is no longer accepted for signatures', 'INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE'));
  }

  // 4. Signer certificate, signature value, signing-certificate binding.
  const signer = findSignerCertificate(si, certs);
  if (!signer) {
    findings.push(fail('signing-certificate', 'the signer certificate is not in the signature', 'INDETERMINATE', 'NO_SIGNING_CERTIFICATE_FOUND'));
    return done({ coversWholeFile, signedLength, signingTime: claimed?.toISOString(), signingTimeSource: claimed ? 'claimed' : 'none' });
  }
  const signerSummary = summary(signer);
  findings.push(pass('signing-certificate', signerSummary.subject));
  findings.push(verifySignerSignature(si, signer) ? pass('signature-value', `${signer.publicKey.asymmetricKeyType?.toUpperCase()} signature over the signed attributes verifies`) : fail('signature-value', 'the signature value does not verify with the signer certificate', 'TOTAL_FAILED', 'SIG_CRYPTO_FAILURE'));
  const ref = checkSigningCertificateReference(si.signedAttributes, signer);
  if (ref.status === 'match') findings.push(pass('signing-certificate-reference', `signing-certificate${ref.version === 2 ? '-v2' : ''} names this certificate`));
  else if (ref.status === 'mismatch') findings.push(fail('signing-certificate-reference', ref.detail, 'INDETERMINATE', 'NO_SIGNING_CERTIFICATE_FOUND'));
  else if (subFilter === 'ETSI.CAdES.detached') findings.push(fail('signing-certificate-reference', 'PAdES requires the signing-certificate-v2 attribute, which is missing', 'TOTAL_FAILED', 'FORMAT_FAILURE'));
  else findings.push(skip('signing-certificate-reference', 'no signing-certificate attribute (not required for adbe.pkcs7.detached)'));

  // 5. Time: a valid signature time-stamp is proof of existence; otherwise the claimed /M.
  const ts = checkTimestamp(si, certs, ctx);
  const hasPoe = ts.genTime !== undefined;
  const signingTime = ts.genTime ?? claimed ?? ctx.validationTime;
  const source: SignatureReport['signingTimeSource'] = ts.genTime ? 'timestamp' : claimed ? 'claimed' : 'none';

  // 6. Key usage, chain, validity, revocation.
  const ku = signer.keyUsage;
  if (ku && !ku.includes('digitalSignature') && !ku.includes('nonRepudiation')) findings.push(fail('key-usage', `key usage (${ku.join(', ')}) does not allow signing`, 'INDETERMINATE', 'SIG_CONSTRAINTS_FAILURE'));
  else findings.push(pass('key-usage', ku ? ku.join(', ') : 'no key usage restriction'));
  const chainCtx: ChainContext = { pool: [...certs, ...ctx.embeddedCertificates], anchors: ctx.anchors, crls: ctx.crls, ocspResponses: ctx.ocspResponses, signingTime, hasPoe, validationTime: ctx.validationTime, requireRevocation: ctx.requireRevocation, noteUnknownRevocation: ctx.noteUnknownRevocation };
  findings.push(...checkCertificate(signer, chainCtx, 'signer').findings);
  // After the signer's chain: an untrusted signer matters more than an untrusted time-stamp.
  findings.push(...ts.findings);

  // 7. What later revisions did.
  if (coversWholeFile) findings.push(pass('later-revisions', 'the signature covers the whole file'));
  else findings.push(laterRevisionFinding(ctx, signedLength, modificationPermissionOf(ctx.final, sig, found.field)));

  return done({ signer: signerSummary, signingTime: signingTime.toISOString(), signingTimeSource: source, coversWholeFile, signedLength, timestamp: ts.summary });
}

function structureProblems(si: ParsedSignerInfo, subFilter: string): string | undefined {
  if (!si.signedAttributesDer) return 'the signer has no signed attributes';
  const ct = signedContentType(si);
  if (ct !== OID.data) return `content-type attribute is ${ct ?? 'missing'}, expected id-data`;
  if (subFilter === 'ETSI.CAdES.detached' && si.signedAttributes.some((a) => a.oid === OID.signingTime)) {
    return 'PAdES forbids the signing-time attribute (the time belongs in /M)';
  }
  return undefined;
}

function checkTimestamp(si: ParsedSignerInfo, certs: ParsedCertificate[], ctx: VerifyContext): { findings: Finding[]; genTime?: Date; summary?: TimestampSummary } {
  const attr = si.unsignedAttributes.find((x) => x.oid === OID.signatureTimeStampToken);
  if (!attr || attr.values.length === 0) return { findings: [skip('timestamp', 'no signature time-stamp (PAdES B-B)')] };
  const token = attr.values[0];
  let tokenHash: HashName = 'sha256';
  try {
    const content = parseSignedData(token).eContent;
    if (content) tokenHash = parseTstInfo(content).hash ?? 'sha256';
  } catch {
    // an unreadable token is reported by verifyTimestampToken below
  }
  const check = verifyTimestampToken(token, { hash: tokenHash, digest: createHash(tokenHash).update(si.signature).digest() }, certs);
  const info = check.tstInfo;
  const summaryOf = (valid: boolean) => timestampSummary(info, check.tsaCertificate, valid);
  if (check.problems.length || !check.tsaCertificate || !info) {
    return { findings: [fail('timestamp', `the signature time-stamp is invalid: ${check.problems.join('; ')}`, 'INDETERMINATE', 'SIG_CONSTRAINTS_FAILURE')], summary: summaryOf(false) };
  }
  const tsaCtx: ChainContext = { pool: [...check.certificates, ...certs, ...ctx.embeddedCertificates], anchors: ctx.anchors, crls: ctx.crls, ocspResponses: ctx.ocspResponses, signingTime: info.genTime, hasPoe: true, validationTime: ctx.validationTime, requireRevocation: false, noteUnknownRevocation: ctx.noteUnknownRevocation };
  const tsa = checkCertificate(check.tsaCertificate, tsaCtx, 'TSA');
  const tsaFailures = tsa.findings.filter((f) => f.check.status === 'fail');
  if (tsaFailures.length) {
    return { findings: [fail('timestamp', `the time-stamp authority is not trusted: ${tsaFailures.map((f) => f.check.detail).join('; ')}`, 'INDETERMINATE', 'SIG_CONSTRAINTS_FAILURE')], summary: summaryOf(false) };
  }
  const tsaCert = check.tsaCertificate;
  if (info.genTime < tsaCert.notBefore || info.genTime > tsaCert.notAfter) {
    return { findings: [fail('timestamp', `the TSA certificate was not valid at the time-stamp's time ${info.genTime.toISOString()}`, 'INDETERMINATE', 'SIG_CONSTRAINTS_FAILURE')], summary: summaryOf(false) };
  }
  return { findings: [pass('timestamp', `time-stamped ${info.genTime.toISOString()} by ${formatName(tsaCert.subject)}`)], genTime: info.genTime, summary: summaryOf(true) };
}


function claimedTime(m: unknown): Date | undefined {
  return m instanceof PdfString ? parsePdfDate(m.toText()) : undefined;
}

function summary(cert: ParsedCertificate): SignerSummary {
  return {
    subject: formatName(cert.subject),
    commonName: commonNameOf(cert),
    serialHex: cert.serialHex,
    orgCode: organisationCodeOf(cert),
    position: positionOf(cert),
    issuer: formatName(cert.issuer),
  };
}

