import { openPdf } from '../core/open-pdf';
import { type PdfInput, withPdfSource } from '../core/pdf-input';
import { type ReadBudget, ReadLimits } from '../core/read-budget';
import { type DocumentSecurityStore, readDss } from './read-dss';

/** What a PDF carries to validate offline: its final revision's /DSS (certificates, CRLs, OCSP responses, DER). */
export function validationDataOf(input: PdfInput, budget?: ReadBudget): DocumentSecurityStore {
  return withPdfSource(input, (source) => readDss(openPdf(source, { budget: new ReadLimits(source.length, budget), recover: true })));
}
