import { PkiError } from '../errors';

/**
 * A minimal BER/DER reader that keeps byte offsets. Signature checks need the exact bytes that were
 * signed (signed attributes, TBSCertificate), which a parse-and-re-encode round trip cannot promise.
 */
export interface Tlv {
  readonly tagClass: number; // 0 universal, 1 application, 2 context, 3 private
  readonly constructed: boolean;
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly contentEnd: number;
  readonly end: number;
}

export const UNIVERSAL = 0;
export const CONTEXT = 2;

export function readTlv(buf: Buffer, offset: number, limit: number = buf.length): Tlv {
  let pos = offset;
  const fail = (what: string): never => {
    throw new PkiError('BAD_DER', `malformed ASN.1 at byte ${offset}: ${what}`);
  };
  if (pos >= limit) fail('unexpected end of data');
  const first = buf[pos++];
  const tagClass = first >> 6;
  const constructed = (first & 0x20) !== 0;
  let tag = first & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (let i = 0; ; i++) {
      if (pos >= limit || i > 4) fail('bad tag');
      const b = buf[pos++];
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (pos >= limit) fail('missing length');
  const lenByte = buf[pos++];
  if (lenByte === 0x80) {
    if (!constructed) fail('indefinite length on a primitive value');
    const contentStart = pos;
    let p = pos;
    for (;;) {
      if (p + 2 > limit) fail('unterminated indefinite length');
      if (buf[p] === 0 && buf[p + 1] === 0) break;
      p = readTlv(buf, p, limit).end;
    }
    return { tagClass, constructed, tag, start: offset, contentStart, contentEnd: p, end: p + 2 };
  }
  let length = lenByte;
  if (lenByte & 0x80) {
    const n = lenByte & 0x7f;
    if (n > 4) fail('length too large');
    length = 0;
    for (let i = 0; i < n; i++) {
      if (pos >= limit) fail('truncated length');
      length = length * 256 + buf[pos++];
    }
  }
  const end = pos + length;
  if (end > limit) fail(`value of ${length} bytes runs past the end of its container`);
  return { tagClass, constructed, tag, start: offset, contentStart: pos, contentEnd: end, end };
}

/** Parses one element that must span the whole buffer. */
export function readRoot(buf: Buffer): Tlv {
  const tlv = readTlv(buf, 0);
  if (tlv.end !== buf.length) throw new PkiError('BAD_DER', `trailing ${buf.length - tlv.end} bytes after ASN.1 value`);
  return tlv;
}

export function children(buf: Buffer, tlv: Tlv): Tlv[] {
  if (!tlv.constructed) throw new PkiError('BAD_DER', `expected a constructed value at byte ${tlv.start}`);
  const out: Tlv[] = [];
  let p = tlv.contentStart;
  while (p < tlv.contentEnd) {
    const child = readTlv(buf, p, tlv.contentEnd);
    out.push(child);
    p = child.end;
  }
  return out;
}

export function bytesOf(buf: Buffer, tlv: Tlv): Buffer {
  return buf.subarray(tlv.start, tlv.end);
}

export function contentOf(buf: Buffer, tlv: Tlv): Buffer {
  return buf.subarray(tlv.contentStart, tlv.contentEnd);
}

export function is(tlv: Tlv, tagClass: number, tag: number): boolean {
  return tlv.tagClass === tagClass && tlv.tag === tag;
}

export function expect(tlv: Tlv | undefined, tagClass: number, tag: number, what: string): Tlv {
  if (!tlv || !is(tlv, tagClass, tag)) {
    throw new PkiError('BAD_DER', `expected ${what}${tlv ? ` at byte ${tlv.start}` : ''}`);
  }
  return tlv;
}

export const TAG = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  ENUMERATED: 10,
  UTF8: 12,
  SEQUENCE: 16,
  SET: 17,
  PRINTABLE: 19,
  T61: 20,
  IA5: 22,
  UTC_TIME: 23,
  GENERALIZED_TIME: 24,
  UNIVERSAL_STRING: 28,
  BMP: 30,
} as const;

export function decodeOid(content: Buffer): string {
  if (content.length === 0) throw new PkiError('BAD_DER', 'empty OBJECT IDENTIFIER');
  const parts: bigint[] = [];
  let value = 0n;
  for (let i = 0; i < content.length; i++) {
    value = value * 128n + BigInt(content[i] & 0x7f);
    if ((content[i] & 0x80) === 0) {
      if (parts.length === 0) {
        const first = value < 80n ? value / 40n : 2n;
        parts.push(first, value - first * 40n);
      } else {
        parts.push(value);
      }
      value = 0n;
    }
  }
  return parts.join('.');
}

export function readOid(buf: Buffer, tlv: Tlv | undefined, what = 'OBJECT IDENTIFIER'): string {
  return decodeOid(contentOf(buf, expect(tlv, UNIVERSAL, TAG.OID, what)));
}

/** INTEGER as lower-case hex without leading zero bytes (the way serial numbers are shown). */
export function readIntegerHex(buf: Buffer, tlv: Tlv | undefined, what = 'INTEGER'): string {
  const c = contentOf(buf, expect(tlv, UNIVERSAL, TAG.INTEGER, what));
  let i = 0;
  while (i < c.length - 1 && c[i] === 0) i++;
  return c.subarray(i).toString('hex');
}

export function readSmallInteger(buf: Buffer, tlv: Tlv | undefined, what = 'INTEGER'): number {
  const c = contentOf(buf, expect(tlv, UNIVERSAL, TAG.INTEGER, what));
  if (c.length > 6) throw new PkiError('BAD_DER', `${what} is too large`);
  let v = c.length && c[0] & 0x80 ? -1 : 0;
  for (const b of c) v = v * 256 + b;
  return v;
}

export function readOctets(buf: Buffer, tlv: Tlv | undefined, what = 'OCTET STRING'): Buffer {
  const t = expect(tlv, UNIVERSAL, TAG.OCTET_STRING, what);
  if (!t.constructed) return contentOf(buf, t);
  // BER constructed OCTET STRING: concatenate the segments.
  return Buffer.concat(children(buf, t).map((c) => readOctets(buf, c, what)));
}

export function readBitString(buf: Buffer, tlv: Tlv | undefined, what = 'BIT STRING'): { unusedBits: number; bytes: Buffer } {
  const c = contentOf(buf, expect(tlv, UNIVERSAL, TAG.BIT_STRING, what));
  if (c.length === 0) throw new PkiError('BAD_DER', `empty ${what}`);
  return { unusedBits: c[0], bytes: c.subarray(1) };
}

export function readTime(buf: Buffer, tlv: Tlv | undefined, what = 'Time'): Date {
  if (!tlv || tlv.tagClass !== UNIVERSAL || (tlv.tag !== TAG.UTC_TIME && tlv.tag !== TAG.GENERALIZED_TIME)) {
    throw new PkiError('BAD_DER', `expected ${what}`);
  }
  const s = contentOf(buf, tlv).toString('latin1');
  const m =
    tlv.tag === TAG.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})$/.exec(s)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{4})?$/.exec(s);
  if (!m) throw new PkiError('BAD_DER', `malformed ${what} "${s}"`);
  let year = Number(m[1]);
  if (tlv.tag === TAG.UTC_TIME) year += year < 50 ? 2000 : 1900;
  const fraction = tlv.tag === TAG.GENERALIZED_TIME && m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  const zone = (tlv.tag === TAG.UTC_TIME ? m[7] : m[8]) ?? 'Z';
  let ms = Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)) + Math.round(fraction);
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000;
  }
  return new Date(ms);
}

export function readString(buf: Buffer, tlv: Tlv): string {
  const c = contentOf(buf, tlv);
  if (tlv.tag === TAG.BMP) {
    const swapped = Buffer.from(c);
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  if (tlv.tag === TAG.UNIVERSAL_STRING) {
    let s = '';
    for (let i = 0; i + 3 < c.length; i += 4) s += String.fromCodePoint(c.readUInt32BE(i));
    return s;
  }
  if (tlv.tag === TAG.UTF8) return c.toString('utf8');
  return c.toString('latin1');
}
