import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { inspectPdf } from '@edoc/pdf-sign';
import type { PreflightRequest, PreflightResult } from './preflight-result';

/** Runs on a worker thread of PdfPreflight's pool: one staged file, checked by the PDF engine. */
export default function preflight(request: PreflightRequest): PreflightResult {
  const inspection = inspectPdf(request.path, { activeContent: request.policy });
  const result: PreflightResult = {
    acceptable: inspection.acceptable,
    refusals: inspection.refusals.map((r) => ({ code: r.code, reason: r.reason })),
    signed: inspection.facts.signed,
    ...(inspection.facts.pageCount === undefined ? {} : { pageCount: inspection.facts.pageCount }),
    ...(inspection.facts.damaged === undefined ? {} : { repaired: inspection.facts.damaged.reason }),
  };
  if (inspection.stripped !== undefined) {
    writeFileSync(request.strippedPath, inspection.stripped.pdf, { mode: 0o600 });
    result.stripped = {
      path: request.strippedPath,
      sha256: createHash('sha256').update(inspection.stripped.pdf).digest('hex'),
      size: inspection.stripped.pdf.length,
      removed: inspection.stripped.removed.map((item) => `${item.kind} in object ${item.object}${item.where === '' ? '' : ` ${item.where}`}: ${item.detail}`),
    };
  }
  return result;
}
