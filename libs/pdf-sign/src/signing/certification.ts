import type { PdfDocument } from '../core/pdf-document';
import { findSignatures } from '../verify/find-signatures';
import { type ModificationPermission, modificationPermissionOf } from '../verify/modification-permission';

/**
 * The DocMDP permission of a certified document (ISO 32000-1 12.8.2.2): 1 no changes at all,
 * 2 filling in forms and signing, 3 also annotations; undefined when it is not certified.
 */
export function certificationPermission(doc: PdfDocument): number | undefined {
  const perms = doc.dict(doc.catalog().dict.get('Perms'));
  const docMdp = doc.dict(perms?.get('DocMDP'));
  const refs = doc.resolve(docMdp?.get('Reference'));
  if (!Array.isArray(refs)) return undefined;
  for (const r of refs) {
    const ref = doc.dict(r);
    if (ref?.nameOf('TransformMethod') !== undefined && ref.nameOf('TransformMethod') !== 'DocMDP') continue;
    const p = doc.resolve(doc.dict(ref?.get('TransformParams'))?.get('P'));
    // /P defaults to 2 when absent.
    return typeof p === 'number' ? p : 2;
  }
  return undefined;
}

/** The strictest permission any signature of the document declared (certification or a field lock). */
export function strictestPermission(doc: PdfDocument): ModificationPermission | undefined {
  return findSignatures(doc)
    .map((s) => modificationPermissionOf(doc, s.sigDict, s.field))
    .filter((p): p is ModificationPermission => p !== undefined)
    .sort((a, b) => a.permission - b.permission)[0];
}
