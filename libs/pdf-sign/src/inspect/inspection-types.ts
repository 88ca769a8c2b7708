import type { DamageNote } from '../core/damage';
import type { ReadBudget } from '../core/read-budget';
import type { PdfSignErrorCode } from '../errors';

/** What intake must refuse, each a separate code so that its policy can tell them apart. */
export type RefusalCode =
  /** Encrypted: nothing in it can be checked, signed or archived as it is. */
  | 'ENCRYPTED'
  /** Not readable as a PDF, with the real cause in `errorCode` and `reason`. */
  | 'UNPARSEABLE'
  /** Reading it needs more than the budget allows (a decompression bomb, absurd nesting, too many objects). */
  | 'OVER_BUDGET'
  /** JavaScript, Launch actions, XFA forms, or an embedded executable. */
  | 'ACTIVE_CONTENT'
  /** An embedded file in a document that does not declare PDF/A-2 or PDF/A-3 (attachments travel as files of their own). */
  | 'EMBEDDED_FILE'
  /** Already signed in a way an incremental update (our signature) would break, or that our verifier cannot account for. */
  | 'SIGNATURE_WOULD_BREAK';

export interface Refusal {
  readonly code: RefusalCode;
  readonly reason: string;
  /** The PdfSignError behind an ENCRYPTED, UNPARSEABLE or OVER_BUDGET refusal. */
  readonly errorCode?: PdfSignErrorCode;
}

export type ActiveContentKind = 'javascript' | 'launch' | 'xfa' | 'embedded-file';

export interface ActiveContentItem {
  readonly kind: ActiveContentKind;
  /** The object that holds it, numbered as in the input. */
  readonly object: number;
  /** Where in that object, e.g. "/OpenAction" or "/AA /O"; empty for the object itself. */
  readonly where: string;
  readonly detail: string;
}

export interface EmbeddedFileInfo {
  /** The embedded file stream's object number in the input. */
  readonly object: number;
  readonly name?: string;
  readonly mimeType?: string;
  readonly size?: number;
  /** A program or script (by name, media type or its first bytes); refused even in PDF/A-3. */
  readonly executable: boolean;
  readonly executableBecause?: string;
}

export interface PdfFacts {
  /** From the header, or the catalog's /Version when that is later. */
  readonly pdfVersion?: string;
  readonly pageCount?: number;
  readonly encrypted: boolean;
  readonly signed: boolean;
  readonly signatureCount: number;
  /** DocMDP permission of a certified document (1 = no changes allowed). */
  readonly certificationPermission?: number;
  /** PDF/A identification from the XMP metadata (pdfaid:part, pdfaid:conformance). */
  readonly pdfa?: { readonly part: number; readonly conformance?: string };
  /** Set when the cross-reference data is damaged: signing will rewrite (repair) the file first. */
  readonly damaged?: DamageNote;
  readonly activeContent: readonly ActiveContentItem[];
  readonly embeddedFiles: readonly EmbeddedFileInfo[];
}

export interface StrippedPdf {
  /** The file rewritten without what `removed` lists (and so also repaired, when it was damaged). */
  readonly pdf: Buffer;
  readonly removed: readonly ActiveContentItem[];
}

export interface PdfInspection {
  /** True when nothing is refused: intake may take the file (with policy 'strip', `stripped` when present). */
  readonly acceptable: boolean;
  readonly refusals: readonly Refusal[];
  readonly facts: PdfFacts;
  readonly stripped?: StrippedPdf;
}

export interface InspectOptions {
  readonly budget?: ReadBudget;
  /**
   * 'refuse' (default): active content and refused embedded files are refusals. 'strip': an
   * unsigned file that has them is rewritten without them (`stripped`); a signed one is still
   * refused, since the rewrite would break its signatures.
   */
  readonly activeContent?: 'refuse' | 'strip';
}
