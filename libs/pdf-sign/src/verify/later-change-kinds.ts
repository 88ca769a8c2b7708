import type { FieldInfo, PdfDocument } from '../core/pdf-document';
import { type PdfObject, PdfRef, isName } from '../core/pdf-objects';
import type { LaterChangeKind } from './modification-permission';
import { sameObject } from './object-equality';

/**
 * What the revisions after a signature added, by kind, for the permission the signature declared:
 * new signatures and document time-stamps (by the fields that got a value), annotations other than
 * their widgets, new form fields, validation data and document metadata. `touched` holds the object
 * numbers the later revisions wrote.
 */
export function laterChangeKinds(signed: PdfDocument, final: PdfDocument, touched: ReadonlySet<number>): Set<LaterChangeKind> {
  const kinds = new Set<LaterChangeKind>();
  const before = new Map(signed.fields().map((f) => [fieldKey(f), f]));
  for (const field of final.fields()) {
    const earlier = before.get(fieldKey(field));
    if (field.type !== 'Sig') {
      if (earlier === undefined) kinds.add('form field');
      continue;
    }
    const value = final.dict(field.dict.get('V'));
    if (value === undefined || (earlier !== undefined && signed.dict(earlier.dict.get('V')) !== undefined)) continue;
    kinds.add(isName(value.get('Type'), 'DocTimeStamp') || isName(value.get('SubFilter'), 'ETSI.RFC3161') ? 'document time-stamp' : 'signature');
  }
  const oldPages = signed.pages();
  final.pages().forEach((page, index) => {
    const old = signed.resolve(oldPages[index]?.dict.get('Annots'));
    const now = final.resolve(page.dict.get('Annots'));
    // By reference in one lookup: a page with many thousands of annotations must not cost their square.
    const oldRefs = new Set((Array.isArray(old) ? old : []).filter((o): o is PdfRef => o instanceof PdfRef).map((o) => `${o.num} ${o.gen}`));
    for (const item of Array.isArray(now) ? now : []) {
      if (item instanceof PdfRef ? oldRefs.has(`${item.num} ${item.gen}`) : Array.isArray(old) && old.some((o) => sameObject(o, item))) continue;
      // A widget belongs to a field, counted above.
      if (!isName(final.dict(item)?.get('Subtype'), 'Widget')) kinds.add('annotation');
    }
  });
  const dss = final.catalog().dict.get('DSS');
  if (dss !== undefined && (!sameObject(signed.catalog().dict.get('DSS'), dss) || (dss instanceof PdfRef && touched.has(dss.num)))) kinds.add('validation data');
  // An update may rewrite the information dictionary without repeating /Info in its trailer.
  const rewritten = (old: PdfObject | undefined, now: PdfObject | undefined) =>
    [old, now].some((ref) => ref instanceof PdfRef && touched.has(ref.num)) || (now !== undefined && !sameObject(old, now));
  if (rewritten(signed.trailer.get('Info'), final.trailer.get('Info')) || rewritten(signed.catalog().dict.get('Metadata'), final.catalog().dict.get('Metadata'))) {
    kinds.add('document metadata');
  }
  return kinds;
}

/** A field is the same field across revisions by its object, or by its name when it has none. */
function fieldKey(field: FieldInfo): string {
  return field.ref ? `ref:${field.ref.num}` : `name:${field.fullName}`;
}
