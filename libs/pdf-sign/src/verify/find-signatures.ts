import type { PdfDocument } from '../core/pdf-document';
import { PdfDict, PdfString } from '../core/pdf-objects';

export interface FoundSignature {
  readonly fieldName: string;
  readonly sigDict: PdfDict;
  /** The field's dictionary: its /Lock says what the signature permits after it. */
  readonly field: PdfDict;
}

/** Signed signature fields of the final revision, in field order. */
export function findSignatures(doc: PdfDocument): FoundSignature[] {
  const out: FoundSignature[] = [];
  const seen = new Set<PdfDict>();
  for (const field of doc.fields()) {
    if (field.type !== 'Sig') continue;
    const v = doc.dict(field.dict.get('V'));
    if (!v || seen.has(v)) continue;
    seen.add(v);
    out.push({ fieldName: field.fullName || '(unnamed)', sigDict: v, field: field.dict });
  }
  return out;
}

export function textOf(v: unknown): string | undefined {
  return v instanceof PdfString ? v.toText() : undefined;
}
