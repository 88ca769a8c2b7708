import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { LoadedFont, ShapedGlyph } from './fonts';

/** Glyphs every subset carries, so documents that differ only in numbers and dates share one subset. */
export const BASE_CHARACTERS = ' 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZĐ/-:+.,()';

export interface FontSubset {
  readonly tag: string;
  /** original glyph id → glyph id in the subset (used as CID, CIDToGIDMap /Identity). */
  readonly mapping: ReadonlyMap<number, number>;
  /** Subset glyph id → width in 1/1000 em, for /W. */
  readonly widths: readonly number[];
  /** Subset glyph id → Unicode code point, for /ToUnicode. */
  readonly unicode: ReadonlyMap<number, number>;
  /** Glyphs in the subset's font program: those asked for and the parts of composite ones (CIDs 0 … glyphCount-1). */
  readonly glyphCount: number;
  readonly fontFile: Buffer;
  readonly fontFileLength: number;
}

const CACHE_LIMIT = 128;
const cache = new Map<string, Promise<FontSubset>>();

/**
 * A TrueType subset holding the given glyphs, made by fontkit and cached by glyph set: fontkit's
 * subsetter costs tens of milliseconds, while a signer's appearance text rarely changes.
 */
export function fontSubset(font: LoadedFont, glyphs: readonly ShapedGlyph[]): Promise<FontSubset> {
  const byGid = new Map<number, ShapedGlyph>();
  for (const g of glyphs) if (!byGid.has(g.gid)) byGid.set(g.gid, g);
  const gids = [...byGid.keys()].sort((a, b) => a - b);
  const key = `${font.style}:${gids.join(',')}`;
  let hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  hit = buildSubset(font, gids, byGid, key);
  cache.set(key, hit);
  hit.catch(() => cache.delete(key));
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  return hit;
}

async function buildSubset(font: LoadedFont, gids: number[], byGid: Map<number, ShapedGlyph>, key: string): Promise<FontSubset> {
  const subset = font.font.createSubset();
  const mapping = new Map<number, number>();
  const widths: number[] = [0];
  const unicode = new Map<number, number>();
  for (const gid of gids) {
    const id = subset.includeGlyph(gid);
    mapping.set(gid, id);
    const g = byGid.get(gid) as ShapedGlyph;
    widths[id] = Math.round(g.advance);
    unicode.set(id, g.codePoint);
  }
  const parts: Uint8Array[] = [];
  const ttf = await new Promise<Buffer>((resolve, reject) => {
    try {
      subset
        .encodeStream()
        .on('data', (d: Uint8Array) => parts.push(d))
        .on('end', () => resolve(Buffer.concat(parts)));
    } catch (e) {
      reject(e);
    }
  });
  const tag = [...createHash('sha256').update(key).digest().subarray(0, 6)].map((b) => String.fromCharCode(65 + (b % 26))).join('');
  return { tag, mapping, widths, unicode, glyphCount: glyphCountOf(ttf), fontFile: deflateSync(ttf), fontFileLength: ttf.length };
}

/**
 * numGlyphs of the subset's 'maxp' table. The subsetter adds the parts of composite glyphs (many
 * Vietnamese letters with diacritics are built so), so the font holds more glyphs than were asked for.
 */
function glyphCountOf(ttf: Buffer): number {
  const tables = ttf.readUInt16BE(4);
  for (let i = 0; i < tables; i++) {
    const entry = 12 + 16 * i;
    if (ttf.toString('latin1', entry, entry + 4) === 'maxp') return ttf.readUInt16BE(ttf.readUInt32BE(entry + 8) + 4);
  }
  throw new Error('the font subset has no maxp table');
}
