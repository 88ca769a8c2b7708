import type { Box, PageInfo } from '../core/pdf-document';
import { round3 } from '../core/serialize';
import { PdfSignError } from '../errors';

/** [x, y, width, height] in points, origin at the bottom left of the page as it is displayed. */
export type Rect = readonly [number, number, number, number];

/**
 * The page as the reader sees it (after /Rotate, within the CropBox). Placement is computed here,
 * then mapped to default user space for the widget's /Rect; the appearance's /Matrix turns the
 * drawing so it reads upright on rotated pages.
 */
export class PageGeometry {
  readonly width: number;
  readonly height: number;

  constructor(readonly page: PageInfo) {
    const [x0, y0, x1, y1] = page.box;
    const sideways = page.rotate === 90 || page.rotate === 270;
    this.width = sideways ? y1 - y0 : x1 - x0;
    this.height = sideways ? x1 - x0 : y1 - y0;
  }

  /** Visual rect → user-space box [x0 y0 x1 y1]. */
  toUser(r: Rect): Box {
    const [u, v, w, h] = r;
    const a = this.pointToUser(u, v);
    const b = this.pointToUser(u + w, v + h);
    return [round3(Math.min(a[0], b[0])), round3(Math.min(a[1], b[1])), round3(Math.max(a[0], b[0])), round3(Math.max(a[1], b[1]))];
  }

  /** User-space box → visual rect. */
  fromUser(box: Box): Rect {
    const a = this.pointFromUser(box[0], box[1]);
    const b = this.pointFromUser(box[2], box[3]);
    const u = Math.min(a[0], b[0]);
    const v = Math.min(a[1], b[1]);
    return [u, v, Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1])];
  }

  /** Form XObject matrix that maps the upright drawing onto the rotated page. */
  get matrix(): [number, number, number, number, number, number] {
    switch (this.page.rotate) {
      case 90:
        return [0, 1, -1, 0, 0, 0];
      case 180:
        return [-1, 0, 0, -1, 0, 0];
      case 270:
        return [0, -1, 1, 0, 0, 0];
      default:
        return [1, 0, 0, 1, 0, 0];
    }
  }

  /** Moves a rect inside the page; refuses one that cannot fit. */
  fit(r: Rect, what: string): Rect {
    const [x, y, w, h] = r;
    if (![x, y, w, h].every(Number.isFinite) || w <= 0 || h <= 0) {
      throw new PdfSignError('BAD_ARGUMENT', `${what}: rect [${r.join(', ')}] must have finite numbers and a positive width and height`);
    }
    if (w > this.width + 0.001 || h > this.height + 0.001) {
      throw new PdfSignError('BAD_ARGUMENT', `${what}: a ${round3(w)}×${round3(h)} pt box does not fit on page ${this.page.index + 1} (${round3(this.width)}×${round3(this.height)} pt)`);
    }
    return [Math.min(Math.max(x, 0), this.width - w), Math.min(Math.max(y, 0), this.height - h), w, h];
  }

  private pointToUser(u: number, v: number): [number, number] {
    const [x0, y0, x1, y1] = this.page.box;
    switch (this.page.rotate) {
      case 90:
        return [x1 - v, y0 + u];
      case 180:
        return [x1 - u, y1 - v];
      case 270:
        return [x0 + v, y1 - u];
      default:
        return [x0 + u, y0 + v];
    }
  }

  private pointFromUser(x: number, y: number): [number, number] {
    const [x0, y0, x1, y1] = this.page.box;
    switch (this.page.rotate) {
      case 90:
        return [y - y0, x1 - x];
      case 180:
        return [x1 - x, y1 - y];
      case 270:
        return [y1 - y, x - x0];
      default:
        return [x - x0, y - y0];
    }
  }
}
