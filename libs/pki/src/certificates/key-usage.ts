/** KeyUsage bit names in bit order (RFC 5280 4.2.1.3). */
export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

export type KeyUsage = (typeof KEY_USAGE_BITS)[number];

export function keyUsageToBits(usages: readonly KeyUsage[]): { bytes: Buffer; unusedBits: number } {
  let value = 0;
  let highest = -1;
  for (const u of usages) {
    const bit = KEY_USAGE_BITS.indexOf(u);
    value |= 1 << bit;
    highest = Math.max(highest, bit);
  }
  const byteCount = highest >= 8 ? 2 : 1;
  const bytes = Buffer.alloc(byteCount);
  for (let bit = 0; bit <= highest; bit++) {
    if (value & (1 << bit)) bytes[bit >> 3] |= 0x80 >> (bit & 7);
  }
  // DER: named bit lists drop trailing zero bits.
  const unusedBits = byteCount * 8 - (highest + 1);
  return { bytes, unusedBits };
}

export function keyUsageFromBits(bytes: Buffer): KeyUsage[] {
  const out: KeyUsage[] = [];
  KEY_USAGE_BITS.forEach((name, bit) => {
    if ((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) out.push(name);
  });
  return out;
}
