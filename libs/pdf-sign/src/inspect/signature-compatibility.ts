import type { PdfDocument } from '../core/pdf-document';
import type { PdfDict } from '../core/pdf-objects';
import { walkReachable } from '../core/reachable';
import { isSignatureDictionary } from '../core/signature-dictionaries';
import { certificationPermission } from '../signing/certification';
import { DOCUMENT_TIMESTAMP_SUBFILTER, SUPPORTED_SUBFILTERS, byteRangeShape, endsAtRevision } from '../verify/byte-range';
import { findSignatures } from '../verify/find-signatures';
import { visitDicts } from './active-content';

export interface SignatureState {
  readonly signatureCount: number;
  readonly certificationPermission?: number;
  /** Why appending our signature would break what is there, or leave something our verifier cannot check. */
  readonly problems: string[];
}

/**
 * What the signatures already in a file allow. Our signature is an incremental update: it keeps
 * earlier signatures valid unless the file forbids any change (DocMDP P=1, Adobe usage rights),
 * and our verifier must be able to check each one afterwards.
 */
export function signatureState(doc: PdfDocument): SignatureState {
  const problems: string[] = [];
  const found = findSignatures(doc);
  const permission = certificationPermission(doc);
  if (permission === 1) problems.push('the document is certified with "no changes allowed" (DocMDP P=1): any signature added would break its certification');
  const perms = doc.dict(doc.catalog().dict.get('Perms'));
  const usageRights = ['UR3', 'UR'].map((k) => doc.dict(perms?.get(k))).filter((d): d is PdfDict => d !== undefined);
  if (usageRights.length) problems.push('the document carries a usage-rights signature (/Perms /UR3, Adobe Reader extensions), which any change revokes');
  for (const { fieldName, sigDict } of found) {
    const shape = byteRangeShape(doc, sigDict, doc.source.length);
    const subFilter = sigDict.nameOf('SubFilter');
    if (shape.problem) problems.push(`signature "${fieldName}": ${shape.problem}`);
    else if (shape.signedLength !== undefined && !endsAtRevision(doc.source, shape.signedLength)) problems.push(`signature "${fieldName}" does not end where a revision ends`);
    if (!subFilter || (!SUPPORTED_SUBFILTERS.has(subFilter) && subFilter !== DOCUMENT_TIMESTAMP_SUBFILTER)) problems.push(`signature "${fieldName}" is of SubFilter ${subFilter ?? '(none)'}, which our verifier cannot check`);
  }
  // A signature no form field names is one no verifier (ours included) will ever report on.
  const accounted = new Set<PdfDict>([...found.map((f) => f.sigDict), ...usageRights]);
  let orphans = 0;
  walkReachable(doc, (_ref, value) => visitDicts(value, '', 0, (d) => void (isSignatureDictionary(d) && !accounted.has(d) && orphans++)));
  if (orphans) problems.push(`${orphans} signature dictionar${orphans > 1 ? 'ies are' : 'y is'} not the value of any signature field, so no verifier accounts for ${orphans > 1 ? 'them' : 'it'}`);
  return { signatureCount: found.length + orphans, ...(permission !== undefined ? { certificationPermission: permission } : {}), problems };
}
