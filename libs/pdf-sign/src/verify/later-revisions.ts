import { openPdf } from '../core/open-pdf';
import type { PdfDocument } from '../core/pdf-document';
import { PrefixSource } from '../core/prefix-source';
import { PdfSignError } from '../errors';
import { endsAtRevision } from './byte-range';
import { type Finding, fail, pass } from './certificate-checks';
import { analyseLaterRevisions } from './revision-diff';
import type { VerifyContext } from './verify-context';

/** Whether the revisions after the one a signature or time-stamp covers only added what they may. */
export function laterRevisionFinding(ctx: VerifyContext, signedLength: number): Finding {
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
  return pass('later-revisions', `later revisions only added: ${changes.permitted.join(', ') || 'nothing that changes the document'}${rebuilt}`);
}
