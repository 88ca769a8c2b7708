import { type Asn1, bitString, enumerated, explicit, fromDer, generalizedTime, implicitConstructed, implicitPrimitive, octets, oid, seq, toDer } from '../asn1/build';
import { CONTEXT, TAG, UNIVERSAL, bytesOf, children, contentOf, expect, readBitString, readOctets, readOid, readRoot, readTime, type Tlv } from '../asn1/der';
import { OID } from '../asn1/oids';
import { encodeExtensions } from '../certificates/extensions';
import { parseCertificate, type ParsedCertificate } from '../certificates/parse-certificate';
import { reasonName, REVOCATION_REASONS, type RevocationReason } from '../crl/revocation-reason';
import { PkiError } from '../errors';
import { signatureAlgorithmIdentifier } from '../keys/key-algorithm';
import type { SigningKey } from '../identity/signing-key';
import { type CertId, encodeCertId, publicKeyBits, readCertId } from './cert-id';
import { createHash } from 'node:crypto';

/** OCSPResponseStatus (RFC 6960 4.2.1); 4 is not used. */
export const OCSP_RESPONSE_STATUS = { successful: 0, malformedRequest: 1, internalError: 2, tryLater: 3, sigRequired: 5, unauthorized: 6 } as const;
export type OcspResponseStatus = keyof typeof OCSP_RESPONSE_STATUS;

export interface OcspRequest {
  readonly certIds: CertId[];
  readonly nonce?: Buffer;
}

export type CertStatus = { kind: 'good' } | { kind: 'revoked'; revokedAt: Date; reason?: RevocationReason } | { kind: 'unknown' };

export interface SingleResponse {
  readonly certId: CertId;
  readonly status: CertStatus;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
}

export interface BasicOcspResponse {
  /** The signed bytes (tbsResponseData), its signature algorithm and value. */
  readonly tbs: Buffer;
  readonly signatureAlgorithm: { buf: Buffer; tlv: Tlv };
  readonly signature: Buffer;
  readonly responderId: { byName: Buffer } | { byKeyHash: Buffer };
  readonly producedAt: Date;
  readonly responses: SingleResponse[];
  readonly nonce?: Buffer;
  readonly certificates: ParsedCertificate[];
}

export interface OcspResponse {
  readonly status: OcspResponseStatus;
  readonly basic?: BasicOcspResponse;
}

const badRequest = (message: string) => new PkiError('BAD_OCSP_REQUEST', `OCSP request: ${message}`);
const badResponse = (message: string) => new PkiError('BAD_OCSP_RESPONSE', `OCSP response: ${message}`);

/** The nonce extension (RFC 8954): an OCTET STRING inside extnValue. */
function nonceExtension(nonce: Buffer): Asn1 {
  return encodeExtensions([{ oid: OID.ocspNonce, critical: false, value: octets(nonce) }]);
}

export function buildOcspRequest(certIds: readonly CertId[], nonce?: Buffer): Buffer {
  const items: Asn1[] = [seq(certIds.map((id) => seq([encodeCertId(id)])))];
  if (nonce !== undefined) items.push(explicit(2, nonceExtension(nonce)));
  return toDer(seq([seq(items)]));
}

export function parseOcspRequest(der: Buffer): OcspRequest {
  try {
    const [tbs] = children(der, expect(readRoot(der), UNIVERSAL, TAG.SEQUENCE, 'OCSPRequest'));
    const parts = children(der, expect(tbs, UNIVERSAL, TAG.SEQUENCE, 'TBSRequest'));
    const list = parts.find((p) => p.tagClass === UNIVERSAL && p.tag === TAG.SEQUENCE);
    if (list === undefined) throw badRequest('no requestList');
    const certIds = children(der, list).map((request) => readCertId(der, expect(children(der, request)[0], UNIVERSAL, TAG.SEQUENCE, 'reqCert'), badRequest));
    if (certIds.length === 0) throw badRequest('the requestList is empty');
    const extensions = parts.find((p) => p.tagClass === CONTEXT && p.tag === 2);
    return { certIds, nonce: extensions === undefined ? undefined : nonceIn(der, children(der, extensions)[0]) };
  } catch (error) {
    if (error instanceof PkiError && error.code === 'BAD_OCSP_REQUEST') throw error;
    throw badRequest((error as Error).message);
  }
}

/** A response without a body: the responder could not or would not answer. */
export function buildOcspErrorResponse(status: Exclude<OcspResponseStatus, 'successful'>): Buffer {
  return toDer(seq([enumerated(OCSP_RESPONSE_STATUS[status])]));
}

export interface OcspResponseInput {
  /** Signs: the CA's key or a delegated responder's, in memory or on an HSM. */
  readonly responder: SigningKey;
  readonly responses: readonly SingleResponse[];
  readonly producedAt: Date;
  readonly nonce?: Buffer;
  /** Certificates placed in the response: a delegated responder's own, so that clients can check it. */
  readonly certificates?: readonly ParsedCertificate[];
}

/** A signed BasicOCSPResponse, responder identified by the SHA-1 of its key. */
export function buildOcspResponse(input: OcspResponseInput): Buffer {
  const keyHash = createHash('sha1').update(publicKeyBits(input.responder.certificate)).digest();
  const data: Asn1[] = [explicit(2, octets(keyHash)), generalizedTime(wholeSeconds(input.producedAt)), seq(input.responses.map(singleResponse))];
  if (input.nonce !== undefined) data.push(explicit(1, nonceExtension(input.nonce)));
  const tbs = seq(data);
  const signature = input.responder.sign(toDer(tbs));
  const basic: Asn1[] = [tbs, signatureAlgorithmIdentifier(input.responder.signatureAlgorithm), bitString(signature)];
  if (input.certificates !== undefined && input.certificates.length > 0) basic.push(explicit(0, seq(input.certificates.map((c) => fromDer(c.der)))));
  return toDer(seq([enumerated(0), explicit(0, seq([oid(OID.ocspBasic), octets(toDer(seq(basic)))]))]));
}

function singleResponse(r: SingleResponse): Asn1 {
  let status: Asn1;
  if (r.status.kind === 'good') status = implicitPrimitive(0, Buffer.alloc(0));
  else if (r.status.kind === 'unknown') status = implicitPrimitive(2, Buffer.alloc(0));
  else {
    const revoked: Asn1[] = [generalizedTime(wholeSeconds(r.status.revokedAt))];
    if (r.status.reason !== undefined) revoked.push(explicit(0, enumerated(REVOCATION_REASONS[r.status.reason])));
    status = implicitConstructed(1, revoked);
  }
  const items: Asn1[] = [encodeCertId(r.certId), status, generalizedTime(wholeSeconds(r.thisUpdate))];
  if (r.nextUpdate !== undefined) items.push(explicit(0, generalizedTime(wholeSeconds(r.nextUpdate))));
  return seq(items);
}

export function parseOcspResponse(der: Buffer): OcspResponse {
  try {
    const parts = children(der, expect(readRoot(der), UNIVERSAL, TAG.SEQUENCE, 'OCSPResponse'));
    const code = contentOf(der, expect(parts[0], UNIVERSAL, TAG.ENUMERATED, 'responseStatus'))[0];
    const status = (Object.keys(OCSP_RESPONSE_STATUS) as OcspResponseStatus[]).find((k) => OCSP_RESPONSE_STATUS[k] === code);
    if (status === undefined) throw badResponse(`unknown responseStatus ${code}`);
    if (status !== 'successful') return { status };
    const bytes = expect(parts[1], CONTEXT, 0, 'responseBytes');
    const [typeTlv, body] = children(der, expect(children(der, bytes)[0], UNIVERSAL, TAG.SEQUENCE, 'ResponseBytes'));
    const type = readOid(der, typeTlv, 'responseType');
    if (type !== OID.ocspBasic) throw badResponse(`response type ${type} is not id-pkix-ocsp-basic`);
    return { status, basic: parseBasic(Buffer.from(readOctets(der, body, 'response'))) };
  } catch (error) {
    if (error instanceof PkiError && error.code === 'BAD_OCSP_RESPONSE') throw error;
    throw badResponse((error as Error).message);
  }
}

function parseBasic(buf: Buffer): BasicOcspResponse {
  const [tbsTlv, algTlv, sigTlv, certsTlv] = children(buf, expect(readRoot(buf), UNIVERSAL, TAG.SEQUENCE, 'BasicOCSPResponse'));
  const tbs = expect(tbsTlv, UNIVERSAL, TAG.SEQUENCE, 'tbsResponseData');
  let fields = children(buf, tbs);
  if (fields[0]?.tagClass === CONTEXT && fields[0].tag === 0) fields = fields.slice(1); // version
  const [idTlv, producedTlv, responsesTlv, ...rest] = fields;
  if (idTlv === undefined || idTlv.tagClass !== CONTEXT || (idTlv.tag !== 1 && idTlv.tag !== 2)) throw badResponse('no responderID');
  const idInner = children(buf, idTlv)[0] as Tlv;
  const responderId = idTlv.tag === 1 ? { byName: bytesOf(buf, idInner) } : { byKeyHash: Buffer.from(readOctets(buf, idInner, 'KeyHash')) };
  const responses = children(buf, expect(responsesTlv, UNIVERSAL, TAG.SEQUENCE, 'responses')).map((r) => parseSingle(buf, r));
  const extensions = rest.find((p) => p.tagClass === CONTEXT && p.tag === 1);
  const certificates = certsTlv === undefined ? [] : children(buf, children(buf, expect(certsTlv, CONTEXT, 0, 'certs'))[0] as Tlv).map((c) => parseCertificate(bytesOf(buf, c)));
  return {
    tbs: bytesOf(buf, tbs),
    signatureAlgorithm: { buf, tlv: expect(algTlv, UNIVERSAL, TAG.SEQUENCE, 'signatureAlgorithm') },
    signature: readBitString(buf, sigTlv, 'signature').bytes,
    responderId,
    producedAt: readTime(buf, producedTlv, 'producedAt'),
    responses,
    nonce: extensions === undefined ? undefined : nonceIn(buf, children(buf, extensions)[0]),
    certificates,
  };
}

function parseSingle(buf: Buffer, tlv: Tlv): SingleResponse {
  const [idTlv, statusTlv, thisTlv, ...rest] = children(buf, expect(tlv, UNIVERSAL, TAG.SEQUENCE, 'SingleResponse'));
  const certId = readCertId(buf, expect(idTlv, UNIVERSAL, TAG.SEQUENCE, 'certID'), badResponse);
  if (statusTlv === undefined || statusTlv.tagClass !== CONTEXT) throw badResponse('no certStatus');
  let status: CertStatus;
  if (statusTlv.tag === 0) status = { kind: 'good' };
  else if (statusTlv.tag === 2) status = { kind: 'unknown' };
  else if (statusTlv.tag === 1) {
    const [timeTlv, reasonTlv] = children(buf, statusTlv);
    const reasonCode = reasonTlv === undefined ? undefined : contentOf(buf, expect(children(buf, reasonTlv)[0], UNIVERSAL, TAG.ENUMERATED, 'revocationReason'))[0];
    status = { kind: 'revoked', revokedAt: readTime(buf, timeTlv, 'revocationTime'), ...(reasonCode === undefined ? {} : { reason: reasonName(reasonCode) }) };
  } else throw badResponse(`certStatus [${statusTlv.tag}] is not good, revoked or unknown`);
  const next = rest.find((p) => p.tagClass === CONTEXT && p.tag === 0);
  return { certId, status, thisUpdate: readTime(buf, thisTlv, 'thisUpdate'), ...(next === undefined ? {} : { nextUpdate: readTime(buf, children(buf, next)[0], 'nextUpdate') }) };
}

/** The nonce among Extensions, if there is one; a bare value (older clients) is taken as it is. */
function nonceIn(buf: Buffer, extensions: Tlv | undefined): Buffer | undefined {
  if (extensions === undefined) return undefined;
  for (const ext of children(buf, extensions)) {
    const parts = children(buf, ext);
    if (readOid(buf, parts[0], 'extnID') !== OID.ocspNonce) continue;
    const value = Buffer.from(readOctets(buf, parts[parts.length - 1], 'extnValue'));
    try {
      const inner = readRoot(value);
      if (inner.tagClass === UNIVERSAL && inner.tag === TAG.OCTET_STRING && inner.end === value.length) return Buffer.from(contentOf(value, inner));
    } catch {
      // not DER inside: the raw form
    }
    return value;
  }
  return undefined;
}

function wholeSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}
