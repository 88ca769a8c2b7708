import type { Rect } from './page-geometry';

const MARGIN = 36;
const STEP = 6;
const CLEARANCE = 2;

function overlaps(a: Rect, b: Rect): boolean {
  return a[0] < b[0] + b[2] + CLEARANCE && b[0] < a[0] + a[2] + CLEARANCE && a[1] < b[1] + b[3] + CLEARANCE && b[1] < a[1] + a[3] + CLEARANCE;
}

/**
 * The place nearest to `preferred` (same size) inside the page margins that overlaps none of the
 * `avoid` rectangles, searched on a 6 pt grid; undefined when the page has no such place.
 */
export function freeSpot(preferred: Rect, avoid: readonly Rect[], pageWidth: number, pageHeight: number): Rect | undefined {
  const [px, py, w, h] = preferred;
  const fits = (x: number, y: number) => !avoid.some((box) => overlaps([x, y, w, h], box));
  const inside = (x: number, y: number) => x >= MARGIN / 2 && y >= MARGIN / 2 && x + w <= pageWidth - MARGIN / 2 && y + h <= pageHeight - MARGIN / 2;
  if (inside(px, py) && fits(px, py)) return preferred;
  let best: { rect: Rect; distance: number } | undefined;
  for (let y = MARGIN / 2; y + h <= pageHeight - MARGIN / 2; y += STEP) {
    for (let x = MARGIN / 2; x + w <= pageWidth - MARGIN / 2; x += STEP) {
      const distance = Math.hypot(x - px, y - py);
      if ((best === undefined || distance < best.distance) && fits(x, y)) best = { rect: [x, y, w, h], distance };
    }
  }
  return best?.rect;
}
