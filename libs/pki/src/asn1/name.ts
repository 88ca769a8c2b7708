import { type Asn1, oid, printable, seq, setOf, utf8 } from './build';
import { type Tlv, UNIVERSAL, children, readOid, readString } from './der';
import { NAME_ATTRIBUTE_LABELS, OID } from './oids';

/** One attribute of a distinguished name, in the order it appears. */
export interface NameAttribute {
  readonly oid: string;
  readonly value: string;
}

/** A parsed distinguished name: its exact DER (for comparisons) and its attributes. */
export interface DistinguishedName {
  readonly der: Buffer;
  readonly attributes: readonly NameAttribute[];
}

const PRINTABLE_ONLY = new Set<string>([OID.countryName, OID.serialNumber]);

export function buildName(attributes: readonly NameAttribute[]): Asn1 {
  return seq(
    attributes.map((a) => {
      if (a.value.length === 0) throw new RangeError(`empty value for name attribute ${a.oid}`);
      return setOf([seq([oid(a.oid), PRINTABLE_ONLY.has(a.oid) ? printable(a.value) : utf8(a.value.normalize('NFC'))])]);
    }),
  );
}

export function parseName(buf: Buffer, root: Tlv): DistinguishedName {
  const attributes: NameAttribute[] = [];
  for (const rdn of children(buf, root)) {
    for (const atv of children(buf, rdn)) {
      const [type, value] = children(buf, atv);
      if (!value || value.tagClass !== UNIVERSAL) continue;
      attributes.push({ oid: readOid(buf, type, 'attribute type'), value: readString(buf, value) });
    }
  }
  return { der: Buffer.from(buf.subarray(root.start, root.end)), attributes };
}

export function nameAttribute(name: DistinguishedName, attrOid: string): string | undefined {
  return name.attributes.find((a) => a.oid === attrOid)?.value;
}

/** RFC 4514-like text, most significant first as people read it in certificates: "C=VN, O=..., CN=...". */
export function formatName(name: DistinguishedName): string {
  return name.attributes
    .map((a) => `${NAME_ATTRIBUTE_LABELS[a.oid] ?? a.oid}=${a.value.replace(/([,+"\\<>;])/g, '\\$1')}`)
    .join(', ');
}

export function sameName(a: DistinguishedName, b: DistinguishedName): boolean {
  return a.der.equals(b.der) || normalisedName(a) === normalisedName(b);
}

// RFC 5280 7.1 compares names after string preparation; case-folding and whitespace-collapsing
// covers how other CAs encode the same name differently (PrintableString vs UTF8String).
function normalisedName(n: DistinguishedName): string {
  return n.attributes.map((a) => `${a.oid}=${a.value.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase()}`).join('/');
}

