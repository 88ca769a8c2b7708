import type { PdfDocument } from '../core/pdf-document';
import type { PdfDict } from '../core/pdf-objects';

/** ISO 32000 MDP permissions: 1 no changes, 2 form filling and signing, 3 also annotations. */
export type MdpPermission = 1 | 2 | 3;

export interface ModificationPermission {
  readonly permission: MdpPermission;
  /** Where it was declared, for the report: "DocMDP P=2 (certification)", "FieldMDP lock P=1". */
  readonly declaredBy: string;
}

/**
 * What a signature permits after it: the DocMDP permission of a certification signature, and the
 * /P of a FieldMDP lock (PDF 2.0, in the signature's /Reference or its field's /Lock). The
 * strictest one counts; undefined when the signature restricts nothing beyond the general rules.
 */
export function modificationPermissionOf(doc: PdfDocument, sigDict: PdfDict, field: PdfDict | undefined): ModificationPermission | undefined {
  const found: ModificationPermission[] = [];
  const references = doc.resolve(sigDict.get('Reference'));
  for (const item of Array.isArray(references) ? references : []) {
    const reference = doc.dict(item);
    const method = reference?.nameOf('TransformMethod');
    const params = doc.dict(reference?.get('TransformParams'));
    const p = doc.resolve(params?.get('P'));
    // DocMDP's /P defaults to 2; a FieldMDP without /P only locks field values, which nothing here may change anyway.
    if (method === 'DocMDP') found.push({ permission: asPermission(p) ?? 2, declaredBy: `DocMDP P=${asPermission(p) ?? 2} (certification)` });
    else if (method === 'FieldMDP' && asPermission(p) !== undefined) found.push({ permission: asPermission(p)!, declaredBy: `FieldMDP lock P=${asPermission(p)}` });
  }
  const lock = doc.dict(field?.get('Lock'));
  const lockP = asPermission(doc.resolve(lock?.get('P')));
  if (lockP !== undefined) found.push({ permission: lockP, declaredBy: `field lock P=${lockP}` });
  return found.sort((a, b) => a.permission - b.permission)[0];
}

/** Kinds of change a later revision can make that the permissions speak about. */
export type LaterChangeKind = 'validation data' | 'document time-stamp' | 'signature' | 'document metadata' | 'annotation' | 'form field';

/** ETSI EN 319 142-1 5.4: validation data and document time-stamps never break a permission. */
const ALLOWED: Record<MdpPermission, ReadonlySet<LaterChangeKind>> = {
  1: new Set(['validation data', 'document time-stamp']),
  2: new Set(['validation data', 'document time-stamp', 'signature', 'document metadata']),
  3: new Set(['validation data', 'document time-stamp', 'signature', 'document metadata', 'annotation', 'form field']),
};

/** The kinds of change the permission forbids, in a stable order. */
export function forbiddenChanges(permission: MdpPermission, kinds: ReadonlySet<LaterChangeKind>): LaterChangeKind[] {
  return [...kinds].filter((k) => !ALLOWED[permission].has(k)).sort();
}

function asPermission(v: unknown): MdpPermission | undefined {
  return v === 1 || v === 2 || v === 3 ? v : undefined;
}
