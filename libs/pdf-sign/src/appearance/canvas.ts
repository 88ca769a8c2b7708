import { PdfDict, type PdfRef, name } from '../core/pdf-objects';
import { formatNumber, round3 } from '../core/serialize';
import type { UpdateObjects } from '../update/update-objects';
import { addFontObjects } from './font-objects';
import { BASE_CHARACTERS, fontSubset } from './font-subset';
import { type FontStyle, type ShapedGlyph, loadFont, shape } from './fonts';
import { type AlphaMode, type DecodedImage, addImageObjects } from './png-image';

type Op = { kind: 'raw'; text: string } | { kind: 'text'; style: FontStyle; size: number; x: number; y: number; glyphs: ShapedGlyph[] };

const n = (v: number) => formatNumber(round3(v));

/**
 * Collects the drawing of one appearance stream, then writes it with the fonts subset to exactly
 * the glyphs used (plus a stable base set, see font-subset.ts).
 */
export class Canvas {
  private readonly ops: Op[] = [];
  private readonly glyphs = new Map<FontStyle, ShapedGlyph[]>();
  private readonly images: DecodedImage[] = [];

  constructor(
    readonly width: number,
    readonly height: number,
  ) {}

  text(style: FontStyle, size: number, x: number, y: number, text: string): void {
    const glyphs = shape(loadFont(style), text);
    const list = this.glyphs.get(style) ?? [];
    list.push(...glyphs);
    this.glyphs.set(style, list);
    this.ops.push({ kind: 'text', style, size, x, y, glyphs });
  }

  image(img: DecodedImage, x: number, y: number, w: number, h: number): void {
    this.images.push(img);
    this.ops.push({ kind: 'raw', text: `q ${n(w)} 0 0 ${n(h)} ${n(x)} ${n(y)} cm /Im${this.images.length} Do Q` });
  }

  async render(objects: UpdateObjects, alphaMode: AlphaMode): Promise<{ content: Buffer; resources: PdfDict }> {
    const fontNames = new Map<FontStyle, string>();
    const fonts = new PdfDict();
    const mappings = new Map<FontStyle, ReadonlyMap<number, number>>();
    for (const [style, used] of this.glyphs) {
      const font = loadFont(style);
      const subset = await fontSubset(font, [...shape(font, BASE_CHARACTERS), ...used]);
      const resName = style === 'bold' ? 'FB' : 'FR';
      fontNames.set(style, resName);
      mappings.set(style, subset.mapping);
      fonts.set(resName, addFontObjects(objects, font, subset));
    }
    const xobjects = new PdfDict();
    this.images.forEach((img, i) => {
      const ref: PdfRef = addImageObjects(objects, img, alphaMode);
      xobjects.set(`Im${i + 1}`, ref);
    });
    const lines: string[] = [];
    for (const op of this.ops) {
      if (op.kind === 'raw') {
        lines.push(op.text);
        continue;
      }
      const map = mappings.get(op.style) as ReadonlyMap<number, number>;
      const hex = op.glyphs.map((g) => (map.get(g.gid) ?? 0).toString(16).padStart(4, '0')).join('');
      lines.push(`BT /${fontNames.get(op.style)} ${n(op.size)} Tf 0 g ${n(op.x)} ${n(op.y)} Td <${hex}> Tj ET`);
    }
    const resources = new PdfDict([['ProcSet', [name('PDF'), name('Text'), name('ImageB'), name('ImageC')]]]);
    if (fonts.map.size) resources.set('Font', fonts);
    if (xobjects.map.size) resources.set('XObject', xobjects);
    return { content: Buffer.from(`q\n${lines.join('\n')}\nQ\n`, 'latin1'), resources };
  }
}
