import type { Box, PageInfo, PdfDocument } from '../core/pdf-document';
import { PdfDict, type PdfObject, PdfRef } from '../core/pdf-objects';
import { PdfSignError } from '../errors';
import type { AttachmentAppearance, OrganisationAppearance, PersonAppearance, SignatureAppearance } from './appearance-types';
import { Canvas } from './canvas';
import { loadFont, textWidth } from './fonts';
import { isoVietnam } from '../core/pdf-date';
import { PageGeometry, type Rect } from './page-geometry';
import { decodePng } from './png-image';
import { freeSpot } from './free-spot';
import { BASELINE, LEADING, fitBlock, fitGroups } from './text-layout';

/** A visible appearance ready to be written: the page, the widget rectangle and the drawing. */
export interface PlannedAppearance {
  readonly page: PageInfo;
  readonly geometry: PageGeometry;
  /** Widget /Rect in default user space. */
  readonly rect: Box;
  readonly canvas: Canvas;
  /** Where the handwritten signature image sits (user space), recorded for the seal placement. */
  readonly imageRect?: Box;
}

/** Custom widget key that records where the person's signature image is (second-class name). */
export const IMAGE_RECT_KEY = 'EdocSignatureImage';

const PAD = 3;
const MARGIN = 36; // half an inch from the page edge
const DEFAULT_SEAL = 102; // 36 mm, the usual diameter of an agency seal

export function planAppearance(doc: PdfDocument, appearance: SignatureAppearance): PlannedAppearance | undefined {
  switch (appearance.kind) {
    case 'invisible':
      return undefined;
    case 'person':
      return planPerson(doc, appearance);
    case 'organisation':
      return planOrganisation(doc, appearance);
    case 'attachment':
      return planAttachment(doc, appearance);
    default:
      throw new PdfSignError('BAD_ARGUMENT', `unknown appearance kind "${String((appearance as { kind?: unknown }).kind)}" (use person, organisation, attachment or invisible)`);
  }
}

function pageAt(doc: PdfDocument, page: number | undefined, fallback: 'first' | 'last'): PageInfo {
  const count = doc.pageCount();
  if (page === undefined) return doc.page(fallback === 'first' ? 0 : count - 1);
  if (!Number.isInteger(page) || page < 1 || page > count) {
    throw new PdfSignError('BAD_ARGUMENT', `page ${page} does not exist (the document has ${count} page${count === 1 ? '' : 's'})`);
  }
  return doc.page(page - 1);
}

function requireText(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new PdfSignError('BAD_ARGUMENT', `${what} is required for this appearance`);
  return value.trim();
}

function planPerson(doc: PdfDocument, a: PersonAppearance): PlannedAppearance {
  const position = requireText(a.position, 'position');
  const fullName = requireText(a.fullName, 'fullName');
  const page = pageAt(doc, a.page, 'last');
  const geometry = new PageGeometry(page);
  const image = a.image ? decodePng(a.image, 'signature image') : undefined;
  if (a.signatureOnly === true && a.rect !== undefined) return planSignatureOnly(page, geometry, a.rect, fullName, image);
  const defaultSize: [number, number] = image ? [200, 120] : [200, 72];
  const rect = geometry.fit(a.rect ?? [geometry.width - MARGIN - defaultSize[0], MARGIN * 2, ...defaultSize], 'person signature');
  const [, , w, h] = rect;
  const canvas = new Canvas(w, h);
  const top = [
    { text: a.competence?.trim() ?? '', style: 'bold' as const },
    { text: position, style: 'bold' as const },
  ];
  const bottom = [{ text: fullName, style: 'bold' as const }];
  let imageRect: Box | undefined;
  if (image) {
    const fit = fitGroups([top, bottom], w - 2 * PAD, (h - 2 * PAD) * 0.5, 11);
    const [topLines, nameLines] = fit.groups;
    topLines.forEach((l, i) => canvas.text(l.style, fit.size, (w - l.width) / 2, h - PAD - i * fit.lineHeight - fit.size * BASELINE, l.text));
    nameLines.forEach((l, i) => canvas.text(l.style, fit.size, (w - l.width) / 2, PAD + (nameLines.length - 1 - i) * fit.lineHeight + fit.size * (LEADING - BASELINE), l.text));
    const areaTop = h - PAD - topLines.length * fit.lineHeight - 1;
    const areaBottom = PAD + nameLines.length * fit.lineHeight + 1;
    const areaW = w - 2 * PAD;
    const areaH = Math.max(1, areaTop - areaBottom);
    const scale = Math.min(areaW / image.width, areaH / image.height);
    const iw = image.width * scale;
    const ih = image.height * scale;
    const ix = (w - iw) / 2;
    const iy = areaBottom + (areaH - ih) / 2;
    canvas.image(image, ix, iy, iw, ih);
    imageRect = geometry.toUser([rect[0] + ix, rect[1] + iy, iw, ih]);
  } else {
    const gap = 0.6; // blank line between the position and the name, as on paper
    const fit = fitGroups([top, bottom], w - 2 * PAD, (h - 2 * PAD) / (1 + gap / 3), 11);
    const [topLines, nameLines] = fit.groups;
    const total = (topLines.length + nameLines.length + gap) * fit.lineHeight;
    let y = (h + total) / 2;
    for (const l of topLines) {
      canvas.text(l.style, fit.size, (w - l.width) / 2, y - fit.size * BASELINE, l.text);
      y -= fit.lineHeight;
    }
    y -= gap * fit.lineHeight;
    for (const l of nameLines) {
      canvas.text(l.style, fit.size, (w - l.width) / 2, y - fit.size * BASELINE, l.text);
      y -= fit.lineHeight;
    }
  }
  return { page, geometry, rect: geometry.toUser(rect), canvas, imageRect };
}

/** Only the signature, in the gap the document leaves for it above the printed name. */
function planSignatureOnly(page: PageInfo, geometry: PageGeometry, requested: Rect, fullName: string, image: ReturnType<typeof decodePng> | undefined): PlannedAppearance {
  const rect = geometry.fit(requested, 'person signature');
  const [x, y, w, h] = rect;
  const canvas = new Canvas(w, h);
  if (image) {
    const scale = Math.min((w - 2 * PAD) / image.width, (h - 2 * PAD) / image.height);
    const iw = image.width * scale;
    const ih = image.height * scale;
    canvas.image(image, (w - iw) / 2, (h - ih) / 2, iw, ih);
    return { page, geometry, rect: geometry.toUser(rect), canvas, imageRect: geometry.toUser([x + (w - iw) / 2, y + (h - ih) / 2, iw, ih]) };
  }
  drawCentredBlock(canvas, [
    { text: 'Đã ký', style: 'bold' },
    { text: fullName, style: 'regular' },
  ]);
  return { page, geometry, rect: geometry.toUser(rect), canvas, imageRect: geometry.toUser(rect) };
}

function planOrganisation(doc: PdfDocument, a: OrganisationAppearance): PlannedAppearance {
  const numberNotation = requireText(a.numberNotation, 'numberNotation');
  const issuedDate = requireText(a.issuedDate, 'issuedDate');
  const orgName = requireText(a.orgName, 'orgName');
  const anchor = a.page === undefined ? findPersonSignature(doc) : undefined;
  const page = anchor?.page ?? pageAt(doc, a.page, 'last');
  const geometry = new PageGeometry(page);
  const regular = loadFont('regular');
  if (a.seal) {
    const seal = decodePng(a.seal, 'seal image');
    const sealSize = a.sealSize ?? DEFAULT_SEAL;
    if (!(sealSize > 0)) throw new PdfSignError('BAD_ARGUMENT', `sealSize must be a positive number of points (got ${sealSize})`);
    const sw = sealSize;
    const sh = (sealSize * seal.height) / seal.width;
    const captionSize = 7;
    const caption = [numberNotation, issuedDate];
    const captionH = caption.length * captionSize * LEADING + 2;
    const w = Math.max(sw, ...caption.map((c) => textWidth(regular, c, captionSize) + 2 * PAD));
    const h = sh + captionH;
    let rect: Rect;
    if (a.rect) rect = a.rect;
    else if (anchor) {
      const img = geometry.fromUser(anchor.imageRect);
      // The seal covers the left third of the signature image, centred on it vertically.
      const sealX = img[0] + img[2] / 3 - sw;
      const sealY = img[1] + img[3] / 2 - sh / 2;
      rect = [sealX - (w - sw) / 2, sealY - captionH, w, h];
    } else rect = [geometry.width - MARGIN - 200 - w / 3, MARGIN * 2, w, h];
    const placed = geometry.fit(rect, 'organisation signature');
    const [, , pw, ph] = placed;
    const canvas = new Canvas(pw, ph);
    const scale = Math.min(pw / w, ph / h);
    canvas.image(seal, (pw - sw * scale) / 2, captionH * scale, sw * scale, sh * scale);
    caption.forEach((c, i) => {
      const size = captionSize * scale;
      const cw = textWidth(regular, c, size);
      canvas.text('regular', size, (pw - cw) / 2, (captionH - 1 - (i + 1) * captionSize * LEADING + captionSize * (LEADING - BASELINE)) * scale, c);
    });
    return { page, geometry, rect: geometry.toUser(placed), canvas };
  }
  const w = 180;
  const h = 54;
  let rect: Rect;
  if (a.rect) rect = a.rect;
  else if (anchor) {
    const img = geometry.fromUser(anchor.imageRect);
    rect = [img[0] + img[2] / 3 - w, img[1] + img[3] / 2 - h / 2, w, h];
  } else rect = [geometry.width - MARGIN - 200 - w / 3, MARGIN * 2, w, h];
  // Without a seal there is nothing to put over the signature: the block goes where it covers no text.
  if (!a.rect && a.avoid !== undefined && a.avoid.length > 0) {
    // The person's whole widget, not only its image: its printed lines are not in the page's text.
    const signature = anchor ? geometry.fromUser(anchor.widgetRect) : undefined;
    rect = freeSpot(rect, [...a.avoid, ...(signature ? [signature] : [])], geometry.width, geometry.height) ?? rect;
  }
  const placed = geometry.fit(rect, 'organisation signature');
  const canvas = new Canvas(placed[2], placed[3]);
  drawCentredBlock(canvas, [
    { text: orgName, style: 'bold' },
    { text: numberNotation, style: 'regular' },
    { text: issuedDate, style: 'regular' },
  ]);
  return { page, geometry, rect: geometry.toUser(placed), canvas };
}

function planAttachment(doc: PdfDocument, a: AttachmentAppearance): PlannedAppearance {
  const numberNotation = requireText(a.numberNotation, 'numberNotation');
  if (!(a.time instanceof Date) || Number.isNaN(a.time.getTime())) throw new PdfSignError('BAD_ARGUMENT', 'time must be a valid Date for an attachment signature');
  const page = pageAt(doc, a.page, 'first');
  const geometry = new PageGeometry(page);
  const font = loadFont('regular');
  const size = 10; // Times New Roman 10 (Liberation Serif has the same metrics)
  const lines = [a.orgName?.trim() ?? '', numberNotation, isoVietnam(a.time)].filter((l) => l !== '');
  const w = Math.max(...lines.map((l) => textWidth(font, l, size))) + 2 * PAD;
  const h = lines.length * size * LEADING + 2 * PAD;
  const placed = geometry.fit(a.rect ?? [geometry.width - MARGIN / 2 - w, geometry.height - MARGIN / 2 - h, w, h], 'attachment signature');
  const canvas = new Canvas(placed[2], placed[3]);
  const fit = fitBlock(
    lines.map((text) => ({ text, style: 'regular' as const })),
    placed[2] - 2 * PAD,
    placed[3] - 2 * PAD,
    size,
  );
  fit.lines.forEach((l, i) => canvas.text('regular', fit.size, placed[2] - PAD - l.width, placed[3] - PAD - i * fit.lineHeight - fit.size * BASELINE, l.text));
  return { page, geometry, rect: geometry.toUser(placed), canvas };
}

function drawCentredBlock(canvas: Canvas, paragraphs: { text: string; style: 'regular' | 'bold' }[]): void {
  const fit = fitBlock(paragraphs, canvas.width - 2 * PAD, canvas.height - 2 * PAD, 10);
  let y = (canvas.height + fit.height) / 2;
  for (const l of fit.lines) {
    canvas.text(l.style, fit.size, (canvas.width - l.width) / 2, y - fit.size * BASELINE, l.text);
    y -= fit.lineHeight;
  }
}

/**
 * The person's signature the organisation's seal goes over: the latest visible signature widget,
 * preferring one that recorded its image rectangle.
 */
function findPersonSignature(doc: PdfDocument): { page: PageInfo; imageRect: Box; widgetRect: Box } | undefined {
  let best: { page: PageInfo; imageRect: Box; widgetRect: Box; exact: boolean } | undefined;
  for (const field of doc.fields()) {
    if (field.type !== 'Sig') continue;
    const kids = doc.resolve(field.dict.get('Kids'));
    const widgets: PdfObject[] = Array.isArray(kids) ? kids : [field.ref ?? field.dict];
    for (const w of widgets) {
      const widget = w instanceof PdfDict ? w : doc.dict(w);
      if (!widget) continue;
      const rect = numbers(doc, widget.get('Rect'));
      const p = widget.get('P');
      if (!rect || !(p instanceof PdfRef) || rect[2] - rect[0] < 1 || rect[3] - rect[1] < 1) continue;
      const page = doc.pageOf(p);
      if (!page) continue;
      const recorded = numbers(doc, widget.get(IMAGE_RECT_KEY));
      if (recorded) best = { page, imageRect: recorded, widgetRect: rect, exact: true };
      else if (!best?.exact) {
        // Our own layout puts the image in the middle half of the widget.
        const hgt = rect[3] - rect[1];
        best = { page, imageRect: [rect[0], rect[1] + hgt / 4, rect[2], rect[3] - hgt / 4], widgetRect: rect, exact: false };
      }
    }
  }
  return best;
}

function numbers(doc: PdfDocument, v: PdfObject | undefined): Box | undefined {
  const arr = doc.resolve(v);
  if (!Array.isArray(arr) || arr.length !== 4) return undefined;
  const n = arr.map((x) => doc.resolve(x));
  if (!n.every((x) => typeof x === 'number')) return undefined;
  const [a, b, c, d] = n as number[];
  return [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)];
}
