import type { PageRect, TextLine } from './signature-block';

/** Where a signer chose to put the signature when the document prints no block for it: page (1-based) and box in points. */
export interface ChosenPlacement {
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The shape of a placement from the API, or the problems with it (field by field). */
export function parsePlacement(value: unknown): { placement?: ChosenPlacement; problems: string[] } {
  if (value === undefined || value === null) return { problems: [] };
  if (typeof value !== 'object' || Array.isArray(value)) return { problems: ['placement: { page, x, y, width, height } in points, origin at the bottom left of the page'] };
  const input = value as Record<string, unknown>;
  const problems: string[] = [];
  const number = (name: keyof ChosenPlacement, min: number, max: number) => {
    const n = input[name];
    if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) problems.push(`placement.${name}: a number from ${min} to ${max}`);
    return n as number;
  };
  const placement = { page: number('page', 1, 100_000), x: number('x', 0, 14_400), y: number('y', 0, 14_400), width: number('width', 60, 600), height: number('height', 30, 400) };
  if (problems.length === 0 && !Number.isInteger(placement.page)) problems.push('placement.page: a whole page number, 1 for the first');
  return problems.length > 0 ? { problems } : { placement, problems };
}

/** What is wrong with a placement on the page it names: outside the page, or over its text. */
export function placementProblems(placement: ChosenPlacement, page: { width: number; height: number; lines: readonly TextLine[] }): string[] {
  const box: PageRect = [placement.x, placement.y, placement.width, placement.height];
  if (box[0] + box[2] > page.width || box[1] + box[3] > page.height) return [`placement: the box ends outside the page (${page.width.toFixed(0)} × ${page.height.toFixed(0)} pt)`];
  const covered = page.lines.filter((line) => {
    const bottom = page.height - line.yMax;
    return line.xMin < box[0] + box[2] && box[0] < line.xMax && bottom < box[1] + box[3] && box[1] < bottom + (line.yMax - line.yMin);
  });
  return covered.length === 0 ? [] : [`placement: the box covers text of the page ("${covered[0].text.slice(0, 60)}"${covered.length > 1 ? ` and ${covered.length - 1} more line(s)` : ''}); choose free space`];
}
