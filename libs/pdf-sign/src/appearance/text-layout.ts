import { type FontStyle, loadFont, textWidth } from './fonts';

export interface Paragraph {
  readonly text: string;
  readonly style: FontStyle;
}

export interface LaidLine {
  readonly text: string;
  readonly style: FontStyle;
  readonly width: number;
}

export interface TextBlock {
  readonly size: number;
  readonly lineHeight: number;
  readonly lines: readonly LaidLine[];
  readonly height: number;
}

export const LEADING = 1.2;
/** Baseline below the top of a line, as a share of the font size (Liberation Serif ascent ≈ 0.89). */
export const BASELINE = 0.9;

/** Greedy word wrap; a word longer than the line is left to overflow and the size then shrinks. */
export function wrap(style: FontStyle, text: string, size: number, maxWidth: number): LaidLine[] {
  const font = loadFont(style);
  const words = text.trim().split(/\s+/).filter(Boolean);
  const lines: LaidLine[] = [];
  let current = '';
  for (const word of words) {
    const candidate = current ? `${current} ${word}` : word;
    if (current && textWidth(font, candidate, size) > maxWidth) {
      lines.push({ text: current, style, width: textWidth(font, current, size) });
      current = word;
    } else {
      current = candidate;
    }
  }
  if (current) lines.push({ text: current, style, width: textWidth(font, current, size) });
  return lines;
}

/** The largest font size (in half points) at which the paragraphs fit the box. */
export function fitBlock(paragraphs: readonly Paragraph[], maxWidth: number, maxHeight: number, maxSize: number, minSize = 4): TextBlock {
  const usable = paragraphs.filter((p) => p.text.trim() !== '');
  for (let size = maxSize; size >= minSize; size -= 0.5) {
    const lines = usable.flatMap((p) => wrap(p.style, p.text, size, maxWidth));
    const lineHeight = size * LEADING;
    if (lines.every((l) => l.width <= maxWidth) && lines.length * lineHeight <= maxHeight) {
      return { size, lineHeight, lines, height: lines.length * lineHeight };
    }
  }
  const size = minSize;
  const lines = usable.flatMap((p) => wrap(p.style, p.text, size, maxWidth));
  return { size, lineHeight: size * LEADING, lines, height: lines.length * size * LEADING };
}

/** Several groups laid out at one common size (e.g. the position lines and the name line). */
export function fitGroups(groups: readonly (readonly Paragraph[])[], maxWidth: number, maxHeight: number, maxSize: number, minSize = 4): { size: number; lineHeight: number; groups: LaidLine[][] } {
  let size = maxSize;
  for (; size > minSize; size -= 0.5) {
    const laid = groups.map((g) => g.filter((p) => p.text.trim() !== '').flatMap((p) => wrap(p.style, p.text, size, maxWidth)));
    const count = laid.reduce((k, g) => k + g.length, 0);
    if (laid.every((g) => g.every((l) => l.width <= maxWidth)) && count * size * LEADING <= maxHeight) return { size, lineHeight: size * LEADING, groups: laid };
  }
  size = minSize;
  return { size, lineHeight: size * LEADING, groups: groups.map((g) => g.filter((p) => p.text.trim() !== '').flatMap((p) => wrap(p.style, p.text, size, maxWidth))) };
}
