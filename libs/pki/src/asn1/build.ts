import forge from 'node-forge';

/**
 * Small helpers over node-forge's ASN.1 builder. forge works on "binary strings" (one char per
 * byte); these helpers keep Buffers at the edges so the rest of the code never sees them.
 */
export type Asn1 = forge.asn1.Asn1;

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;

export const bin = (buf: Buffer): string => buf.toString('binary');

export function toDer(node: Asn1): Buffer {
  return Buffer.from(asn1.toDer(node).getBytes(), 'binary');
}

/** Embeds DER produced elsewhere (a certificate, a token); DER input round-trips byte for byte. */
export function fromDer(der: Buffer): Asn1 {
  const parse = asn1.fromDer as unknown as (b: string, o: { strict: boolean; decodeBitStrings: boolean; parseAllBytes: boolean }) => Asn1;
  return parse(bin(der), { strict: true, decodeBitStrings: false, parseAllBytes: true });
}

export const seq = (items: Asn1[]): Asn1 => asn1.create(U, T.SEQUENCE, true, items);

/** SET OF in DER order (sorted by encoding), which signed-attribute checks depend on. */
export function setOf(items: Asn1[]): Asn1 {
  const sorted = items
    .map((item) => ({ item, der: toDer(item) }))
    .sort((a, b) => Buffer.compare(a.der, b.der))
    .map((x) => x.item);
  return asn1.create(U, T.SET, true, sorted);
}

/** OBJECT IDENTIFIER; arcs may exceed 32 bits (UUID OIDs under 2.25), which forge's encoder refuses. */
export function oid(dotted: string): Asn1 {
  const arcs = dotted.split('.').map((a) => BigInt(a));
  if (arcs.length < 2) throw new RangeError(`invalid OID ${dotted}`);
  const values = [arcs[0] * 40n + arcs[1], ...arcs.slice(2)];
  const bytes: number[] = [];
  for (const v of values) {
    const group: number[] = [Number(v & 0x7fn)];
    for (let rest = v >> 7n; rest > 0n; rest >>= 7n) group.unshift(Number(rest & 0x7fn) | 0x80);
    bytes.push(...group);
  }
  return asn1.create(U, T.OID, false, String.fromCharCode(...bytes));
}
export const nullValue = (): Asn1 => asn1.create(U, T.NULL, false, '');
export const bool = (v: boolean): Asn1 => asn1.create(U, T.BOOLEAN, false, v ? '\xff' : '\x00');
export const octets = (buf: Buffer): Asn1 => asn1.create(U, T.OCTETSTRING, false, bin(buf));
export const bitString = (buf: Buffer, unusedBits = 0): Asn1 =>
  asn1.create(U, T.BITSTRING, false, String.fromCharCode(unusedBits) + bin(buf));
export const utf8 = (s: string): Asn1 => asn1.create(U, T.UTF8, false, bin(Buffer.from(s, 'utf8')));
export const printable = (s: string): Asn1 => asn1.create(U, T.PRINTABLESTRING, false, s);
export const ia5 = (s: string): Asn1 => asn1.create(U, T.IA5STRING, false, s);
export const enumerated = (n: number): Asn1 => asn1.create(U, T.ENUMERATED, false, String.fromCharCode(n));
export const generalizedTime = (d: Date): Asn1 => asn1.create(U, T.GENERALIZEDTIME, false, generalizedTimeString(d));

/** Non-negative INTEGER from big-endian bytes (serial numbers, nonces). */
export function unsignedInteger(bytes: Buffer): Asn1 {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  let b = bytes.subarray(i);
  if (b.length === 0) b = Buffer.from([0]);
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return asn1.create(U, T.INTEGER, false, bin(b));
}

export function smallInteger(n: number): Asn1 {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`integer ${n} out of range`);
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return unsignedInteger(Buffer.from(hex, 'hex'));
}

/** [n] EXPLICIT */
export const explicit = (tag: number, inner: Asn1): Asn1 => asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, true, [inner]);

/** [n] IMPLICIT over a constructed value (keeps the children, replaces the tag). */
export const implicitConstructed = (tag: number, items: Asn1[]): Asn1 => asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, true, items);

/** [n] IMPLICIT over a primitive value. */
export const implicitPrimitive = (tag: number, content: Buffer): Asn1 => asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, false, bin(content));

/** UTCTime up to 2049, GeneralizedTime from 2050 on (RFC 5280 4.1.2.5). */
export function x509Time(d: Date): Asn1 {
  if (d.getUTCFullYear() >= 1950 && d.getUTCFullYear() < 2050) {
    const s = generalizedTimeString(new Date(Math.floor(d.getTime() / 1000) * 1000)).slice(2);
    return asn1.create(U, T.UTCTIME, false, s);
  }
  return asn1.create(U, T.GENERALIZEDTIME, false, generalizedTimeString(new Date(Math.floor(d.getTime() / 1000) * 1000)));
}

/** YYYYMMDDHHMMSS[.fff]Z; fractions only when present, trailing zeros dropped (DER rule). */
export function generalizedTimeString(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new RangeError('invalid date');
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const base = `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
  const ms = d.getUTCMilliseconds();
  return ms ? `${base}.${p(ms, 3).replace(/0+$/, '')}Z` : `${base}Z`;
}

export function algorithmIdentifier(algOid: string, params: 'null' | 'absent' = 'absent'): Asn1 {
  return seq(params === 'null' ? [oid(algOid), nullValue()] : [oid(algOid)]);
}
