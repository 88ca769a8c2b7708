import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as Fontkit from '@pdf-lib/fontkit';
import { PdfSignError } from '../errors';

export type FontStyle = 'regular' | 'bold';

/**
 * Liberation Serif (metric-compatible with Times New Roman, SIL OFL, see assets/fonts/LICENSE):
 * the standard 14 PDF fonts have no Vietnamese glyphs. Parsed once per process.
 */
const FILES: Record<FontStyle, string> = {
  regular: 'LiberationSerif-Regular.ttf',
  bold: 'LiberationSerif-Bold.ttf',
};
export const FONT_DIR = join(__dirname, '..', '..', 'assets', 'fonts');

export interface LoadedFont {
  readonly style: FontStyle;
  readonly font: Fontkit.Font;
  readonly unitsPerEm: number;
}

const loaded = new Map<FontStyle, LoadedFont>();

/**
 * fontkit loads on the first font, not with this library: its bundle takes about 0.2 s of CPU to
 * load, and only the drawing of a signature's appearance needs it. Intake, archival, metrics and
 * the command line load this library to read and verify PDFs, and started paying it for nothing.
 */
let fontkit: typeof Fontkit | undefined;
function fontkitLibrary(): typeof Fontkit {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, see above
  fontkit ??= require('@pdf-lib/fontkit') as typeof Fontkit;
  return fontkit;
}

export function loadFont(style: FontStyle): LoadedFont {
  let f = loaded.get(style);
  if (!f) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(FONT_DIR, FILES[style]));
    } catch (e) {
      throw new PdfSignError('IO_ERROR', `signature font ${FILES[style]} is missing from ${FONT_DIR}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const font = fontkitLibrary().create(bytes);
    f = { style, font, unitsPerEm: font.unitsPerEm };
    loaded.set(style, f);
  }
  return f;
}

export interface ShapedGlyph {
  readonly gid: number;
  readonly codePoint: number;
  /** Advance in thousandths of the font size. */
  readonly advance: number;
}

const SHAPE_CACHE_LIMIT = 512;
const shaped = new Map<string, ShapedGlyph[]>();

/** One glyph per code point (precomposed Vietnamese letters need no shaping); memoised per text. */
export function shape(font: LoadedFont, text: string): ShapedGlyph[] {
  const key = `${font.style}\u0000${text}`;
  const hit = shaped.get(key);
  if (hit) return hit;
  const out = shapeUncached(font, text);
  shaped.set(key, out);
  if (shaped.size > SHAPE_CACHE_LIMIT) shaped.delete(shaped.keys().next().value as string);
  return out;
}

function shapeUncached(font: LoadedFont, text: string): ShapedGlyph[] {
  const out: ShapedGlyph[] = [];
  for (const ch of text.normalize('NFC')) {
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x20 && cp !== 0x09) continue;
    const codePoint = cp === 0x09 ? 0x20 : cp;
    if (!font.font.hasGlyphForCodePoint(codePoint)) {
      throw new PdfSignError('MISSING_GLYPH', `the signature font has no glyph for "${ch}" (U+${codePoint.toString(16).toUpperCase().padStart(4, '0')})`);
    }
    const glyph = font.font.glyphForCodePoint(codePoint);
    out.push({ gid: glyph.id, codePoint, advance: (glyph.advanceWidth * 1000) / font.unitsPerEm });
  }
  return out;
}

export function textWidth(font: LoadedFont, text: string, size: number): number {
  return (shape(font, text).reduce((w, g) => w + g.advance, 0) * size) / 1000;
}
