/** A line of text on a page, in the page's displayed space with the origin at the top left (as poppler gives it). */
export interface TextLine {
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** [x, y, width, height] with the origin at the bottom left of the displayed page (what the appearance takes). */
export type PageRect = [number, number, number, number];

export interface SignatureBlockPlacement {
  /** The gap above the printed name, where the person's signature goes. */
  signature: PageRect;
}

const MIN_GAP = 24;
const PAD = 2;
const MIN_WIDTH = 120;

/**
 * Case, Unicode form and diacritics aside: a PDF whose font maps Vietnamese letters badly (or a
 * document typed without them) still shows the name, and a page rarely holds two names that differ
 * only in their marks.
 */
const normalise = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();

/**
 * Finds the signature block the document prints for its signer on a page: the lowest line holding
 * the signer's full name, and the nearest line above it that overlaps it horizontally (the
 * position, e.g. "CHỦ TỊCH"). The signature goes in the gap between them, as on paper; undefined
 * when there is no such block or the gap is too small for a signature.
 */
export function findSignatureBlock(lines: readonly TextLine[], fullName: string, pageHeight: number): SignatureBlockPlacement | undefined {
  const name = normalise(fullName);
  if (name === '') return undefined;
  const nameLines = lines.filter((line) => normalise(line.text).includes(name)).sort((a, b) => b.yMin - a.yMin);
  for (const nameLine of nameLines) {
    const above = lines
      .filter((line) => line !== nameLine && line.yMax <= nameLine.yMin && line.xMin < nameLine.xMax && line.xMax > nameLine.xMin)
      .sort((a, b) => b.yMax - a.yMax)[0];
    if (above === undefined) continue;
    const gapTop = above.yMax + PAD;
    const gapBottom = nameLine.yMin - PAD;
    if (gapBottom - gapTop < MIN_GAP) continue;
    const centre = (Math.min(above.xMin, nameLine.xMin) + Math.max(above.xMax, nameLine.xMax)) / 2;
    const width = Math.max(MIN_WIDTH, above.xMax - above.xMin, nameLine.xMax - nameLine.xMin);
    // Nothing else may sit in the gap (a table, a second column): then it is not a signature gap.
    const crossing = lines.some((line) => line.yMax > gapTop && line.yMin < gapBottom && line.xMin < centre + width / 2 && line.xMax > centre - width / 2);
    if (crossing) continue;
    return { signature: [centre - width / 2, pageHeight - gapBottom, width, gapBottom - gapTop] };
  }
  return undefined;
}

/** Every line as a rectangle in the appearance's space: what a block must not cover. */
export function textRects(lines: readonly TextLine[], pageHeight: number): PageRect[] {
  return lines.map((line) => [line.xMin, pageHeight - line.yMax, line.xMax - line.xMin, line.yMax - line.yMin]);
}
