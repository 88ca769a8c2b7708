import type { PdfDocument } from '../core/pdf-document';
import { PdfDict, type PdfObject, PdfRef, PdfStream, isName } from '../core/pdf-objects';
import { changedKeys, keepsAll, sameObject } from './object-equality';

export interface LaterChanges {
  /** Changes that alter what was signed; empty when later revisions only added signatures or annotations. */
  readonly disallowed: readonly string[];
  readonly permitted: readonly string[];
  /** Object numbers the later revisions wrote. */
  readonly touched: ReadonlySet<number>;
}

const CATALOG_KEYS = new Set(['AcroForm', 'DSS', 'Extensions']);
const ACROFORM_KEYS = new Set(['Fields', 'SigFlags', 'DR', 'DA']);
const EMPTY_SIGNATURE_FIELD_KEYS = new Set(['V', 'AP', 'F', 'Lock', 'SV', 'MK']);

/**
 * Compares the signed revision with the final file object by object. Allowed after signing
 * (ISO 32000-1 12.8.2.2 with DocMDP P=3 as the model): new signatures and their fields, new
 * annotations, the document security store, and document metadata. Anything else that changed an
 * object of the signed revision is reported.
 */
export function analyseLaterRevisions(signed: PdfDocument, final: PdfDocument, signedLength: number): LaterChanges {
  const disallowed: string[] = [];
  const permitted = new Set<string>();
  const later = final.xref.sections.filter((s) => s.offset >= signedLength);
  const touched = new Set<number>();
  for (const s of later) for (const num of s.entries.keys()) touched.add(num);

  const oldCatalog = signed.catalog();
  const newCatalog = final.catalog();
  if (oldCatalog.ref.num !== newCatalog.ref.num) disallowed.push(`the document catalog was replaced (object ${oldCatalog.ref.num} → ${newCatalog.ref.num})`);
  const oldPages = signed.pages();
  const pageNums = new Set(oldPages.map((p) => p.ref.num));
  const annotsArrays = new Set(oldPages.map((p) => p.dict.get('Annots')).filter((a): a is PdfRef => a instanceof PdfRef).map((a) => a.num));
  const oldForm = oldCatalog.dict.get('AcroForm');
  const formNum = oldForm instanceof PdfRef ? oldForm.num : undefined;
  const oldFields = signed.dict(oldForm)?.get('Fields');
  const fieldsNum = oldFields instanceof PdfRef ? oldFields.num : undefined;
  const info = signed.trailer.get('Info');
  const infoNum = info instanceof PdfRef ? info.num : undefined;
  const metadata = oldCatalog.dict.get('Metadata');
  const metadataNum = metadata instanceof PdfRef ? metadata.num : undefined;
  // The security store grows after signing by design: validation data and its time-stamps.
  const dss = oldCatalog.dict.get('DSS');
  const dssNum = dss instanceof PdfRef ? dss.num : undefined;

  for (const num of [...touched].sort((a, b) => a - b)) {
    const oldEntry = signed.xref.entries.get(num);
    if (!oldEntry || oldEntry.kind === 'free') continue; // a new object: harmless unless something signed points to it
    const newEntry = final.xref.entries.get(num);
    const label = `object ${num}`;
    if (!newEntry || newEntry.kind === 'free') {
      disallowed.push(`${label} of the signed revision was deleted`);
      continue;
    }
    const gen = oldEntry.kind === 'offset' ? oldEntry.gen : 0;
    const before = signed.fetch(new PdfRef(num, gen));
    const after = final.fetch(new PdfRef(num, newEntry.kind === 'offset' ? newEntry.gen : 0));
    if (sameObject(before, after)) continue;

    if (num === oldCatalog.ref.num) {
      checkDict(before, after, CATALOG_KEYS, 'the document catalog', disallowed);
      if (before instanceof PdfDict && after instanceof PdfDict && !sameObject(before.get('AcroForm'), after.get('AcroForm'))) {
        checkForm(signed, final, before.get('AcroForm'), after.get('AcroForm'), disallowed);
      }
      permitted.add('form or security data updated');
    } else if (num === formNum) {
      checkForm(signed, final, before, after, disallowed);
      permitted.add('form fields added');
    } else if (num === fieldsNum || annotsArrays.has(num)) {
      if (!keepsAll(before, after)) disallowed.push(`${num === fieldsNum ? 'the form field list' : 'an annotation list'} (${label}) lost entries`);
      else if (annotsArrays.has(num)) checkNewAnnotations(final, before, after, disallowed);
      permitted.add(num === fieldsNum ? 'form fields added' : 'annotations added');
    } else if (pageNums.has(num)) {
      const keys = before instanceof PdfDict && after instanceof PdfDict ? changedKeys(before, after) : ['(type)'];
      const other = keys.filter((k) => k !== 'Annots');
      if (other.length) disallowed.push(`page ${oldPages.findIndex((p) => p.ref.num === num) + 1} (${label}) changed: ${other.map((k) => `/${k}`).join(', ')}`);
      else if (!keepsAll(signed.resolve((before as PdfDict).get('Annots')), final.resolve((after as PdfDict).get('Annots')))) disallowed.push(`page ${label} lost annotations`);
      else {
        checkNewAnnotations(final, signed.resolve((before as PdfDict).get('Annots')), final.resolve((after as PdfDict).get('Annots')), disallowed);
        permitted.add('annotations added');
      }
    } else if (num === dssNum) {
      permitted.add('validation data added');
    } else if (num === infoNum || num === metadataNum) {
      permitted.add('document metadata updated');
    } else if (isEmptySignatureField(before)) {
      checkDict(before, after, EMPTY_SIGNATURE_FIELD_KEYS, `signature field ${label}`, disallowed);
      permitted.add('an empty signature field was signed');
    } else {
      disallowed.push(`${label} (${describe(before)}) was changed`);
    }
  }
  return { disallowed, permitted: [...permitted], touched };
}

function checkDict(before: PdfObject, after: PdfObject, allowed: Set<string>, what: string, out: string[]): void {
  if (!(before instanceof PdfDict) || !(after instanceof PdfDict)) {
    out.push(`${what} changed type`);
    return;
  }
  const bad = changedKeys(before, after).filter((k) => !allowed.has(k));
  if (bad.length) out.push(`${what} changed: ${bad.map((k) => `/${k}`).join(', ')}`);
}

function checkForm(signed: PdfDocument, final: PdfDocument, beforeRaw: PdfObject | undefined, afterRaw: PdfObject | undefined, out: string[]): void {
  const before = signed.dict(beforeRaw);
  const after = final.dict(afterRaw);
  if (!before) return; // a form created later
  if (!after) {
    out.push('the interactive form was removed');
    return;
  }
  checkDict(before, after, ACROFORM_KEYS, 'the interactive form', out);
  if (!keepsAll(signed.resolve(before.get('Fields')), final.resolve(after.get('Fields')))) out.push('form fields of the signed revision were removed');
}

/** New entries of an annotation list must be annotations (a widget, a comment), not content. */
function checkNewAnnotations(final: PdfDocument, before: PdfObject | undefined, after: PdfObject | undefined, out: string[]): void {
  if (!Array.isArray(after)) return;
  const old = Array.isArray(before) ? before : [];
  for (const item of after) {
    if (old.some((o) => sameObject(o, item))) continue;
    const d = final.dict(item);
    if (!d || !(d.has('Subtype') || isName(d.get('Type'), 'Annot'))) out.push('an entry added to an annotation list is not an annotation');
  }
}

function isEmptySignatureField(o: PdfObject): boolean {
  return o instanceof PdfDict && isName(o.get('FT'), 'Sig') && (o.get('V') === undefined || o.get('V') === null);
}

function describe(o: PdfObject): string {
  if (o instanceof PdfStream) return `a ${o.dict.nameOf('Subtype') ?? o.dict.nameOf('Type') ?? 'content'} stream`;
  if (o instanceof PdfDict) return `a ${o.nameOf('Type') ?? o.nameOf('Subtype') ?? ''} dictionary`.replace('a  ', 'a ');
  if (Array.isArray(o)) return 'an array';
  return typeof o;
}
