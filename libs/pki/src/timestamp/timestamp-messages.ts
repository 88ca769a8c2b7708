import { type Asn1, algorithmIdentifier, bitString, bool, generalizedTime, octets, oid, seq, smallInteger, toDer, unsignedInteger, utf8, fromDer } from '../asn1/build';
import { CONTEXT, TAG, UNIVERSAL, bytesOf, children, contentOf, expect, readBitString, readIntegerHex, readOctets, readOid, readRoot, readSmallInteger, readTime } from '../asn1/der';
import { HASH_BY_OID, type HashName } from '../asn1/oids';
import { PkiError } from '../errors';

/** PKIFailureInfo bits (RFC 3161 2.4.2). */
export const FAILURE_INFO = {
  badAlg: 0,
  badRequest: 2,
  badDataFormat: 5,
  timeNotAvailable: 14,
  unacceptedPolicy: 15,
  unacceptedExtension: 16,
  addInfoNotAvailable: 17,
  systemFailure: 25,
} as const;
export type FailureInfo = keyof typeof FAILURE_INFO;

export interface TimeStampRequest {
  readonly hashOid: string;
  readonly hash?: HashName;
  readonly hashedMessage: Buffer;
  readonly policy?: string;
  readonly nonceHex?: string;
  readonly certReq: boolean;
  readonly hasExtensions: boolean;
}

export function buildTimeStampRequest(opts: { hash: HashName; hashedMessage: Buffer; hashOid: string; nonce?: Buffer; certReq?: boolean; policy?: string }): Buffer {
  const items: Asn1[] = [smallInteger(1), seq([algorithmIdentifier(opts.hashOid), octets(opts.hashedMessage)])];
  if (opts.policy) items.push(oid(opts.policy));
  if (opts.nonce) items.push(unsignedInteger(opts.nonce));
  if (opts.certReq ?? true) items.push(bool(true));
  return toDer(seq(items));
}

export function parseTimeStampRequest(der: Buffer): TimeStampRequest {
  const parts = children(der, expect(readRoot(der), UNIVERSAL, TAG.SEQUENCE, 'TimeStampReq'));
  if (readSmallInteger(der, parts[0], 'version') !== 1) throw new PkiError('BAD_TIMESTAMP_REQUEST', 'TimeStampReq version must be 1');
  const [alg, hashed] = children(der, expect(parts[1], UNIVERSAL, TAG.SEQUENCE, 'messageImprint'));
  const hashOid = readOid(der, children(der, alg)[0], 'hashAlgorithm');
  const hashedMessage = Buffer.from(readOctets(der, hashed, 'hashedMessage'));
  let policy: string | undefined;
  let nonceHex: string | undefined;
  let certReq = false;
  let hasExtensions = false;
  for (const p of parts.slice(2)) {
    if (p.tagClass === UNIVERSAL && p.tag === TAG.OID) policy = readOid(der, p);
    else if (p.tagClass === UNIVERSAL && p.tag === TAG.INTEGER) nonceHex = readIntegerHex(der, p);
    else if (p.tagClass === UNIVERSAL && p.tag === TAG.BOOLEAN) certReq = contentOf(der, p)[0] !== 0;
    else if (p.tagClass === CONTEXT && p.tag === 0) hasExtensions = true;
  }
  return { hashOid, hash: HASH_BY_OID[hashOid], hashedMessage, policy, nonceHex, certReq, hasExtensions };
}

export function buildTimeStampResponse(opts: { status: number; statusText?: string; failInfo?: FailureInfo; token?: Buffer }): Buffer {
  const statusInfo: Asn1[] = [smallInteger(opts.status)];
  if (opts.statusText) statusInfo.push(seq([utf8(opts.statusText)]));
  if (opts.failInfo !== undefined) {
    const bit = FAILURE_INFO[opts.failInfo];
    const bytes = Buffer.alloc((bit >> 3) + 1);
    bytes[bit >> 3] = 0x80 >> (bit & 7);
    statusInfo.push(bitString(bytes, 7 - (bit & 7)));
  }
  const items: Asn1[] = [seq(statusInfo)];
  if (opts.token) items.push(fromDer(opts.token));
  return toDer(seq(items));
}

export interface TimeStampResponse {
  readonly status: number;
  readonly statusText?: string;
  readonly failInfo: FailureInfo[];
  readonly token?: Buffer;
}

export function parseTimeStampResponse(der: Buffer): TimeStampResponse {
  const parts = children(der, expect(readRoot(der), UNIVERSAL, TAG.SEQUENCE, 'TimeStampResp'));
  const statusParts = children(der, expect(parts[0], UNIVERSAL, TAG.SEQUENCE, 'PKIStatusInfo'));
  const status = readSmallInteger(der, statusParts[0], 'status');
  let statusText: string | undefined;
  const failInfo: FailureInfo[] = [];
  for (const p of statusParts.slice(1)) {
    if (p.tag === TAG.SEQUENCE) statusText = children(der, p).map((t) => contentOf(der, t).toString('utf8')).join('; ');
    if (p.tag === TAG.BIT_STRING) {
      const { bytes } = readBitString(der, p);
      for (const [name, bit] of Object.entries(FAILURE_INFO)) if ((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) failInfo.push(name as FailureInfo);
    }
  }
  return { status, statusText, failInfo, token: parts[1] ? Buffer.from(bytesOf(der, parts[1])) : undefined };
}

export interface TstInfo {
  readonly policy: string;
  readonly hashOid: string;
  readonly hash?: HashName;
  readonly hashedMessage: Buffer;
  readonly serialHex: string;
  readonly genTime: Date;
  readonly nonceHex?: string;
}

export function buildTstInfo(opts: { policy: string; hashOid: string; hashedMessage: Buffer; serial: Buffer; genTime: Date; accuracySeconds?: number; nonceHex?: string }): Buffer {
  const items: Asn1[] = [smallInteger(1), oid(opts.policy), seq([algorithmIdentifier(opts.hashOid), octets(opts.hashedMessage)]), unsignedInteger(opts.serial), generalizedTime(opts.genTime)];
  if (opts.accuracySeconds) items.push(seq([smallInteger(opts.accuracySeconds)]));
  if (opts.nonceHex) items.push(unsignedInteger(Buffer.from(opts.nonceHex.length % 2 ? `0${opts.nonceHex}` : opts.nonceHex, 'hex')));
  return toDer(seq(items));
}

export function parseTstInfo(der: Buffer): TstInfo {
  const parts = children(der, expect(readRoot(der), UNIVERSAL, TAG.SEQUENCE, 'TSTInfo'));
  const policy = readOid(der, parts[1], 'policy');
  const [alg, hashed] = children(der, expect(parts[2], UNIVERSAL, TAG.SEQUENCE, 'messageImprint'));
  const hashOid = readOid(der, children(der, alg)[0]);
  const serialHex = readIntegerHex(der, parts[3], 'serialNumber');
  const genTime = readTime(der, parts[4], 'genTime');
  let nonceHex: string | undefined;
  for (const p of parts.slice(5)) if (p.tagClass === UNIVERSAL && p.tag === TAG.INTEGER) nonceHex = readIntegerHex(der, p);
  return { policy, hashOid, hash: HASH_BY_OID[hashOid], hashedMessage: Buffer.from(readOctets(der, hashed)), serialHex, genTime, nonceHex };
}

