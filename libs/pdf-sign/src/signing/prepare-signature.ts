import { deflateSync } from 'node:zlib';
import type { PdfDocument } from '../core/pdf-document';
import { PdfDict, type PdfObject, PdfRef, PdfString, isDict, name } from '../core/pdf-objects';
import { NewStream, round3 } from '../core/serialize';
import { PdfSignError } from '../errors';
import type { SignatureAppearance } from '../appearance/appearance-types';
import { IMAGE_RECT_KEY, planAppearance } from '../appearance/plan-appearance';
import { pdfaIdentification } from '../inspect/pdfa';
import { UpdateObjects } from '../update/update-objects';
import { writeIncrementalUpdate } from '../update/write-update';
import type { MdpPermission } from '../verify/modification-permission';
import { certificationPermission, strictestPermission } from './certification';
import { BYTE_RANGE_PLACEHOLDER, documentTimestampDictionary, signatureDictionary } from './signature-dictionary';

export interface PrepareOptions {
  readonly appearance: SignatureAppearance;
  readonly signingTime: Date;
  readonly reservedBytes: number;
  readonly fieldName?: string;
  readonly signerName?: string;
  readonly reason?: string;
  readonly location?: string;
  readonly contactInfo?: string;
  /** A document time-stamp instead of a signature: the dictionary of ETSI.RFC3161, no signer's entries. */
  readonly documentTimestamp?: boolean;
  /** What the signature permits after it (a FieldMDP lock over all fields with PDF 2.0's /P). */
  readonly lock?: MdpPermission;
}

/** The bytes to append, with the /ByteRange and /Contents placeholders located. */
export interface PreparedSignature {
  readonly update: Buffer;
  readonly baseLength: number;
  readonly byteRangeOffset: number;
  readonly contentsOffset: number;
  readonly contentsLength: number;
  readonly fieldName: string;
}

const WIDGET_FLAGS = 4 | 128; // Print, Locked

/**
 * Builds the incremental update that adds one signature field: the signature dictionary with its
 * placeholders, the widget and its appearance, and new versions of the objects that must list the
 * field (the page's /Annots, the AcroForm's /Fields, the catalog when the form is new).
 */
export async function prepareSignature(doc: PdfDocument, opts: PrepareOptions): Promise<PreparedSignature> {
  refuseCertifiedNoChanges(doc);
  if (!opts.documentTimestamp) refuseLockedNoChanges(doc);
  const fieldName = chooseFieldName(doc, opts.fieldName);
  const planned = planAppearance(doc, opts.appearance);
  const objects = new UpdateObjects(doc.nextObjectNumber);

  const sigDict = opts.documentTimestamp
    ? documentTimestampDictionary(opts.reservedBytes)
    : signatureDictionary({
        signingTime: opts.signingTime,
        reservedBytes: opts.reservedBytes,
        signerName: opts.signerName,
        reason: opts.reason,
        location: opts.location,
        contactInfo: opts.contactInfo,
      });
  if (opts.lock !== undefined && !opts.documentTimestamp) sigDict.set('Reference', [fieldMdpReference(opts.lock, doc.catalog().ref)]);
  const sigRef = objects.add(sigDict);
  const page = planned?.page ?? doc.page(0);
  const widget = new PdfDict([
    ['Type', name('Annot')],
    ['Subtype', name('Widget')],
    ['FT', name('Sig')],
    ['T', PdfString.text(fieldName)],
    ['V', sigRef],
    ['F', WIDGET_FLAGS],
    ['Rect', planned ? [...planned.rect] : [0, 0, 0, 0]],
    ['P', page.ref],
  ]);
  // ISO 32000-2 12.7.5.5: the lock dictionary is an indirect object.
  if (opts.lock !== undefined && !opts.documentTimestamp) widget.set('Lock', objects.add(fieldLock(opts.lock)));
  if (planned) {
    // PDF/A-1 forbids transparency: the seal and the handwriting keep their shape with hard edges.
    const { content, resources } = await planned.canvas.render(objects, pdfaIdentification(doc)?.part === 1 ? 'stencil-mask' : 'soft-mask');
    const form = new PdfDict([
      ['Type', name('XObject')],
      ['Subtype', name('Form')],
      ['BBox', [0, 0, round3(planned.canvas.width), round3(planned.canvas.height)]],
      ['Matrix', planned.geometry.matrix],
      ['Resources', resources],
      ['Filter', name('FlateDecode')],
    ]);
    const ap = objects.add(new NewStream(form, deflateSync(content)));
    widget.set('AP', new PdfDict([['N', ap]]));
    if (planned.imageRect) widget.set(IMAGE_RECT_KEY, [...planned.imageRect]);
  }
  const widgetRef = objects.add(widget);
  addToPage(doc, objects, page.ref, page.dict, widgetRef);
  addToAcroForm(doc, objects, widgetRef);

  const written = writeIncrementalUpdate(doc, objects);
  const sigAt = written.objectOffsets.get(sigRef.num) as number;
  const byteRangeOffset = written.bytes.indexOf(`/ByteRange ${BYTE_RANGE_PLACEHOLDER}`, sigAt, 'latin1') + '/ByteRange '.length;
  const contentsOffset = written.bytes.indexOf('/Contents <', sigAt, 'latin1') + '/Contents '.length;
  return {
    update: written.bytes,
    baseLength: doc.source.length,
    byteRangeOffset,
    contentsOffset,
    contentsLength: opts.reservedBytes * 2 + 2,
    fieldName,
  };
}

function chooseFieldName(doc: PdfDocument, requested: string | undefined): string {
  const taken = new Set(doc.fields().map((f) => f.fullName));
  if (requested !== undefined) {
    if (typeof requested !== 'string' || requested.trim() === '' || requested.includes('.')) {
      throw new PdfSignError('BAD_ARGUMENT', `field name "${String(requested)}" is not usable (it must be non-empty and contain no ".")`);
    }
    if (taken.has(requested)) throw new PdfSignError('BAD_ARGUMENT', `the document already has a field named "${requested}"`);
    return requested;
  }
  for (let i = 1; ; i++) if (!taken.has(`Signature${i}`)) return `Signature${i}`;
}

function addToPage(doc: PdfDocument, objects: UpdateObjects, pageRef: PdfRef, pageDict: PdfDict, widgetRef: PdfRef): void {
  const annots = pageDict.get('Annots');
  if (annots instanceof PdfRef) {
    const list = doc.resolve(annots);
    const sharedWithAnotherPage = doc.pages().some((p) => p.ref.num !== pageRef.num && p.dict.get('Annots') instanceof PdfRef && (p.dict.get('Annots') as PdfRef).num === annots.num);
    if (Array.isArray(list) && !sharedWithAnotherPage) {
      objects.set(annots, [...list, widgetRef]);
      return;
    }
    const copy = pageDict.clone().set('Annots', [...(Array.isArray(list) ? list : []), widgetRef]);
    objects.set(pageRef, copy);
    return;
  }
  const copy = pageDict.clone().set('Annots', [...(Array.isArray(annots) ? annots : []), widgetRef]);
  objects.set(pageRef, copy);
}

function addToAcroForm(doc: PdfDocument, objects: UpdateObjects, widgetRef: PdfRef): void {
  const catalog = doc.catalog();
  const current = catalog.dict.get('AcroForm');
  const resolved = doc.resolve(current);
  const form = isDict(resolved) ? resolved.clone() : new PdfDict();
  const fields = form.get('Fields');
  if (fields instanceof PdfRef && Array.isArray(doc.resolve(fields))) {
    objects.set(fields, [...(doc.resolve(fields) as PdfObject[]), widgetRef]);
  } else {
    form.set('Fields', [...(Array.isArray(fields) ? fields : []), widgetRef]);
  }
  const flags = doc.resolve(form.get('SigFlags'));
  form.set('SigFlags', (typeof flags === 'number' ? flags : 0) | 3); // SignaturesExist | AppendOnly
  // A reader told to regenerate field appearances would redraw a signed document's fields.
  if (form.has('NeedAppearances')) form.set('NeedAppearances', false);
  if (current instanceof PdfRef && isDict(resolved)) {
    objects.set(current, form);
  } else {
    const newCatalog = catalog.dict.clone();
    newCatalog.set('AcroForm', isDict(resolved) ? form : objects.add(form));
    objects.set(catalog.ref, newCatalog);
  }
}

/** A document certified with "no changes allowed" would lose its certification. */
function refuseCertifiedNoChanges(doc: PdfDocument): void {
  if (certificationPermission(doc) === 1) {
    throw new PdfSignError('UNSUPPORTED_PDF', 'the document is certified with "no changes allowed" (DocMDP P=1); another signature would break its certification');
  }
}

/** An earlier signature locked the document with "no changes": a signature would break it (a document time-stamp would not). */
function refuseLockedNoChanges(doc: PdfDocument): void {
  const strictest = strictestPermission(doc);
  if (strictest?.permission === 1) {
    throw new PdfSignError('UNSUPPORTED_PDF', `an earlier signature permits no changes after it (${strictest.declaredBy}); another signature would break it`);
  }
}

function fieldLock(permission: MdpPermission): PdfDict {
  return new PdfDict([
    ['Type', name('SigFieldLock')],
    ['Action', name('All')],
    ['P', permission],
  ]);
}

/** The signature reference a reader checks the lock with (ISO 32000-1 12.8.2.3, /P of ISO 32000-2). */
function fieldMdpReference(permission: MdpPermission, catalog: PdfRef): PdfDict {
  return new PdfDict([
    ['Type', name('SigRef')],
    ['TransformMethod', name('FieldMDP')],
    ['TransformParams', new PdfDict([['Type', name('TransformParams')], ['Action', name('All')], ['P', permission], ['V', name('1.2')]])],
    ['Data', catalog],
  ]);
}
