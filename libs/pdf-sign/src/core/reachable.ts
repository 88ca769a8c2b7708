import type { PdfDocument } from './pdf-document';
import { PdfDict, type PdfObject, PdfRef, PdfStream } from './pdf-objects';

/** The references a value holds (a stream's in its dictionary), in the order written. */
export function collectRefs(value: PdfObject | undefined, into: PdfRef[]): void {
  if (value instanceof PdfRef) into.push(value);
  else if (Array.isArray(value)) for (const item of value) collectRefs(item, into);
  else if (value instanceof PdfDict) for (const v of value.map.values()) collectRefs(v, into);
  else if (value instanceof PdfStream) collectRefs(value.dict, into);
}

/** The trailer's /Root and /Info: where every reader starts. */
export function trailerRoots(doc: PdfDocument): PdfRef[] {
  const roots: PdfRef[] = [];
  const root = doc.trailer.get('Root');
  if (root instanceof PdfRef) roots.push(root);
  const info = doc.trailer.get('Info');
  if (info instanceof PdfRef) roots.push(info);
  return roots;
}

/**
 * Visits every indirect object reachable from `roots` once, breadth first (no recursion, so no
 * depth limit is needed however long the chains). Returns the references to objects the file does
 * not have at all (not even as free entries): in a rebuilt file, the sign of a truncation.
 */
export function walkReachable(doc: PdfDocument, visit: (ref: PdfRef, value: PdfObject) => void, roots = trailerRoots(doc)): { missing: PdfRef[] } {
  const queue: PdfRef[] = [...roots];
  const seen = new Set<number>(roots.map((r) => r.num));
  const missing: PdfRef[] = [];
  for (let i = 0; i < queue.length; i++) {
    const ref = queue[i];
    if (!doc.xref.entries.has(ref.num)) {
      missing.push(ref);
      continue;
    }
    const value = doc.fetch(ref);
    visit(ref, value);
    const refs: PdfRef[] = [];
    collectRefs(value, refs);
    for (const r of refs) {
      if (seen.has(r.num)) continue;
      seen.add(r.num);
      queue.push(r);
    }
  }
  return { missing };
}
