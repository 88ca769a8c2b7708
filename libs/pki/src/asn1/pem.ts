import { PkiError } from '../errors';

/** Every PEM block of the given label in the text, as DER. */
export function pemBlocks(text: string, label: string): Buffer[] {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  const out: Buffer[] = [];
  for (const m of text.matchAll(re)) {
    const body = m[1].replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw new PkiError('BAD_PEM', `${label} PEM block contains characters that are not base64`);
    out.push(Buffer.from(body, 'base64'));
  }
  return out;
}

export function singlePem(text: string, label: string, what: string): Buffer {
  const blocks = pemBlocks(text, label);
  if (blocks.length === 0) throw new PkiError('BAD_PEM', `${what}: no "-----BEGIN ${label}-----" block found`);
  return blocks[0];
}

export function toPem(der: Buffer, label: string): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
