import type { ByteSink } from '../core/byte-sink';
import type { PdfDocument } from '../core/pdf-document';
import { PdfDict, type PdfObject, PdfRef, PdfStream, isName } from '../core/pdf-objects';
import { rewritePdf } from '../core/rewrite-pdf';
import { actionKind, hasXfa } from './active-content';

export interface StripPolicy {
  /** Whether the embedded file stream with this object number goes. */
  readonly stripEmbeddedFile: (streamNum: number) => boolean;
  /** Whether the /EmbeddedFiles name tree goes as a whole (no embedded file is allowed). */
  readonly stripAllEmbeddedFiles: boolean;
}

const MAX_DEPTH = 128;

/**
 * Rewrites an unsigned document without its JavaScript and Launch actions, its document-level
 * scripts, its XFA form and the embedded files the policy refuses. A key whose value goes is
 * dropped; an array keeps its length, with null in place of what went; an object that is itself
 * such an action is written as null. What is no longer referred to is not written at all.
 */
export function stripActiveContent(doc: PdfDocument, sink: ByteSink, policy: StripPolicy): void {
  const goesWhole = (ref: PdfRef): boolean => {
    const value = doc.fetch(ref);
    const dict = value instanceof PdfStream ? value.dict : value;
    if (!(dict instanceof PdfDict)) return false;
    if (actionKind(dict)) return true;
    return value instanceof PdfStream && isName(dict.get('Type'), 'EmbeddedFile') && policy.stripEmbeddedFile(ref.num);
  };
  const goes = (v: PdfObject | undefined): boolean => (v instanceof PdfRef ? goesWhole(v) : v instanceof PdfDict && actionKind(v) !== undefined);

  const clean = (v: PdfObject, depth: number): PdfObject => {
    if (depth > MAX_DEPTH) return v;
    if (v instanceof PdfStream) return new PdfStream(clean(v.dict, depth + 1) as PdfDict, v.source, v.dataStart, v.dataLength);
    if (Array.isArray(v)) return v.map((item) => (goes(item) ? null : clean(item, depth + 1)));
    if (!(v instanceof PdfDict)) return v;
    const out = new PdfDict();
    for (const [key, value] of v.map) {
      if (goes(value)) continue;
      if (key === 'JavaScript' && doc.dict(value)) continue; // the document-level script tree
      if (key === 'XFA' && hasXfa(v)) continue;
      if (key === 'EmbeddedFiles' && policy.stripAllEmbeddedFiles) continue;
      if (key === 'EF' && doc.dict(value)) {
        const kept = new PdfDict([...(doc.dict(value) as PdfDict).map].filter(([, f]) => !goes(f)));
        if (kept.map.size > 0) out.set(key, kept);
        continue;
      }
      out.set(key, clean(value, depth + 1));
    }
    return out;
  };

  rewritePdf(doc, sink, { transform: (ref, value) => (goesWhole(ref) ? null : clean(value, 0)) });
}
