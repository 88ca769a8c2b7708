import { openPdf } from '../core/open-pdf';
import type { PdfDocument } from '../core/pdf-document';
import { PrefixSource } from '../core/prefix-source';
import { PdfSignError } from '../errors';
import { endsAtRevision } from './byte-range';
import { type Finding, fail, pass } from './certificate-checks';
import { laterChangeKinds } from './later-change-kinds';
import { forbiddenChanges, type ModificationPermission } from './modification-permission';
import { analyseLaterRevisions } from './revision-diff';
import type { VerifyContext } from './verify-context';

/**
 * Whether the revisions after the one a signature or time-stamp covers only added what they may:
 * what no signature permits changing (the content, pages, fonts), and what the signature's own
 * permission (DocMDP or a FieldMDP lock) forbids.
 */
export function laterRevisionFinding(ctx: VerifyContext, signedLength: number, permission?: ModificationPermission): Finding {
  if (!endsAtRevision(ctx.source, signedLength)) {
    return fail('later-revisions', 'the signed bytes do not end where a revision ends (with %%EOF)', 'TOTAL_FAILED', 'FORMAT_FAILURE');
  }
  let signedRevision: PdfDocument;
  try {
    signedRevision = openPdf(new PrefixSource(ctx.source, signedLength), { budget: ctx.limits.sibling(), recover: true });
  } catch (e) {
    // Reading limits are not the signature's fault: they stop the verification as a whole.
    if (e instanceof PdfSignError && e.code === 'BUDGET_EXCEEDED') throw e;
    const msg = e instanceof PdfSignError ? e.message : String(e);
    return fail('later-revisions', `the signed bytes are not a complete PDF revision: ${msg}`, 'TOTAL_FAILED', 'FORMAT_FAILURE');
  }
  const changes = analyseLaterRevisions(signedRevision, ctx.final, signedLength);
  const rebuilt = signedRevision.damage ? ' (its cross-reference data is damaged and was rebuilt to compare)' : '';
  if (changes.disallowed.length) {
    return fail('later-revisions', `a later revision changed the signed document${rebuilt}: ${changes.disallowed.join('; ')}`, 'TOTAL_FAILED', 'FORMAT_FAILURE');
  }
  // Classifying the additions costs a walk of fields and annotations: only a signature that declared a permission needs it.
  const forbidden = permission === undefined ? [] : forbiddenChanges(permission.permission, laterChangeKinds(signedRevision, ctx.final, changes.touched));
  if (permission !== undefined && forbidden.length) {
    return fail('later-revisions', `a later revision added what this signature's ${permission.declaredBy} forbids: ${forbidden.join(', ')}${rebuilt}`, 'TOTAL_FAILED', 'FORMAT_FAILURE');
  }
  const within = permission === undefined ? '' : `, within its ${permission.declaredBy}`;
  return pass('later-revisions', `later revisions only added: ${changes.permitted.join(', ') || 'nothing that changes the document'}${within}${rebuilt}`);
}
