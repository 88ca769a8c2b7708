/**
 * The package's bytes as text: UTF-8 only (the standard's encoding), with or without a byte-order
 * mark, and no DTD. A DTD is refused outright rather than parsed with its entities switched off:
 * nothing in edXML needs one, and no parser then gets the chance to expand or fetch an entity.
 */
export function decodeXmlText(bytes: Buffer): { text: string } | { reason: string } {
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe)) return { reason: 'the package is UTF-16; edXML is UTF-8' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { reason: 'the package is not valid UTF-8' };
  }
  const declaration = /^<\?xml[^>]*\?>/.exec(text)?.[0] ?? '';
  const encoding = /encoding\s*=\s*["']([^"']*)["']/.exec(declaration)?.[1];
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) return { reason: `the package declares the encoding "${encoding.slice(0, 40)}"; edXML is UTF-8` };
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) return { reason: 'the package declares a DTD (<!DOCTYPE> or <!ENTITY>): refused, since edXML needs none and entities are never expanded' };
  return { text };
}
