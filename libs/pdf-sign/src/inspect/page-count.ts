import { openPdf } from '../core/open-pdf';
import { type PdfInput, withPdfSource } from '../core/pdf-input';
import type { ReadBudget } from '../core/read-budget';

/**
 * The number of pages, counted by walking the page tree (a /Count is what the file claims, not
 * what it has). Damaged cross-reference data is rebuilt as for reading; everything else the file
 * cannot give throws a PdfSignError. Given a path, the file is read in small blocks.
 */
export function pageCount(input: PdfInput, budget?: ReadBudget): number {
  return withPdfSource(input, (source) => openPdf(source, { budget, recover: true, probe: (doc) => doc.pages() }).pages().length);
}
