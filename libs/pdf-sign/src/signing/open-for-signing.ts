import type { ByteSource } from '../core/byte-source';
import type { ByteSink } from '../core/byte-sink';
import { type DamageNote, isRepairableDamage } from '../core/damage';
import { openPdf } from '../core/open-pdf';
import { PdfDocument } from '../core/pdf-document';
import type { ReadBudget } from '../core/read-budget';
import { rewritePdf } from '../core/rewrite-pdf';
import { fileCarriesSignature } from '../core/signature-dictionaries';
import { PdfSignError } from '../errors';

/** What every signature reads first; damage met later is handled by withRepairRetry. */
export function readWhatSigningReads(doc: PdfDocument): void {
  doc.catalog();
  doc.fields();
}

/**
 * Opens the file to sign. A damaged file (its cross-reference data broken, its objects all there)
 * comes back with `doc.damage` set when `repair` allows it; see repairForSigning.
 */
export function openForSigning(source: ByteSource, options: { readonly repair: boolean; readonly budget?: ReadBudget; readonly damage?: PdfSignError }): PdfDocument {
  return openPdf(source, { budget: options.budget, recover: options.repair, probe: readWhatSigningReads, damage: options.damage });
}

/**
 * Signs the opened document; damage met only while preparing the signature (an object that
 * opening did not read, such as a page the xref misplaces) leads to one more attempt, on the
 * document rebuilt from its objects. Walking every page up front instead would cost a large
 * document a read of every page.
 */
export async function withRepairRetry<T>(repair: boolean, open: (damage?: PdfSignError) => PdfDocument, sign: (doc: PdfDocument) => Promise<T>): Promise<T> {
  const doc = open();
  try {
    return await sign(doc);
  } catch (e) {
    if (!repair || doc.damage || !isRepairableDamage(e)) throw e;
    return sign(open(e));
  }
}

/**
 * Rewrites a damaged, unsigned file into `sink` as a sound one. A signed one is refused: the
 * rewrite would change the bytes its signature covers.
 */
export function repairForSigning(doc: PdfDocument, sink: ByteSink): DamageNote {
  const damage = doc.damage as DamageNote;
  if (fileCarriesSignature(doc)) {
    throw new PdfSignError('DAMAGED_SIGNED_PDF', `the file is already signed and its cross-reference data is damaged (${damage.reason}); repairing it would rewrite the file and break the signature, so it cannot be signed again`);
  }
  rewritePdf(doc, sink);
  return damage;
}

/** The rewritten file, which must open without help: anything else is a bug here, not in the input. */
export function openRepaired(source: ByteSource, budget?: ReadBudget): PdfDocument {
  const doc = PdfDocument.open(source, budget);
  readWhatSigningReads(doc);
  return doc;
}
