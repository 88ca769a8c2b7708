import { BufferSink } from '../core/byte-sink';
import { BufferSource, type ByteSource } from '../core/byte-source';
import { openPdf } from '../core/open-pdf';
import type { PdfDocument } from '../core/pdf-document';
import { type PdfInput, withPdfSource } from '../core/pdf-input';
import { isRepairableDamage } from '../core/damage';
import { fileCarriesSignature } from '../core/signature-dictionaries';
import { PdfSignError } from '../errors';
import { findActiveContent } from './active-content';
import type { ActiveContentItem, InspectOptions, PdfFacts, PdfInspection, Refusal, StrippedPdf } from './inspection-types';
import { pdfaIdentification } from './pdfa';
import { signatureState } from './signature-compatibility';
import { type StripPolicy, stripActiveContent } from './strip-active-content';

/**
 * The preflight of an upload: everything intake must refuse, each with its reason, and the facts
 * about the file. Never throws for what is in the file (that is a refusal); only for a bad
 * argument or a path that cannot be read. Given a path, the file is read in small blocks.
 *
 * Policy on embedded files: a program or script (by name, media type or content) is active
 * content, always refused. Any other embedded file is accepted only in a document that declares
 * PDF/A-2 or PDF/A-3, which allow them (ZUGFeRD invoices, source files); elsewhere it is refused
 * as EMBEDDED_FILE, since the exchange carries attachments as files of their own. The PDF/A claim
 * is taken from the XMP metadata as written, not validated.
 */
export function inspectPdf(input: PdfInput, options: InspectOptions = {}): PdfInspection {
  return withPdfSource(input, (source) => inspectSource(source, options));
}

function inspectSource(source: ByteSource, options: InspectOptions, damage?: PdfSignError): PdfInspection {
  const version = headerVersion(source);
  const unread: PdfFacts = { pdfVersion: version, encrypted: false, signed: false, signatureCount: 0, activeContent: [], embeddedFiles: [] };
  let doc: PdfDocument;
  try {
    doc = openPdf(source, { budget: options.budget, recover: true, probe: readWhatIntakeNeeds, damage });
  } catch (e) {
    return refusedFor(e, unread);
  }
  try {
    return inspectDocument(doc, version, options);
  } catch (e) {
    // Damage met past what opening read (an object the xref misplaces): look at the file rebuilt.
    if (!doc.damage && isRepairableDamage(e)) return inspectSource(source, options, e);
    // The page tree was read when opening (readWhatIntakeNeeds), so its count is known.
    return refusedFor(e, { ...unread, ...(doc.damage ? { damaged: doc.damage } : {}), pageCount: doc.pages().length });
  }
}

function inspectDocument(doc: PdfDocument, headerVersion: string | undefined, options: InspectOptions): PdfInspection {
  const refusals: Refusal[] = [];
  const signatures = signatureState(doc);
  const signed = signatures.signatureCount > 0 || (doc.damage !== undefined && fileCarriesSignature(doc));
  for (const problem of signatures.problems) refusals.push({ code: 'SIGNATURE_WOULD_BREAK', reason: problem });
  if (doc.damage && signed) {
    refusals.push({ code: 'SIGNATURE_WOULD_BREAK', reason: `the file is signed and its cross-reference data is damaged (${doc.damage.reason}): it cannot be repaired without breaking the signature` });
  }
  const pdfa = pdfaIdentification(doc);
  const { items, embeddedFiles } = findActiveContent(doc);
  const embeddedAllowed = pdfa !== undefined && (pdfa.part === 2 || pdfa.part === 3);
  const refusedFile = (num: number) => embeddedFiles.some((f) => f.object === num && (f.executable || !embeddedAllowed));
  const refusable = items.filter((i) => i.kind !== 'embedded-file' || refusedFile(i.object));
  const facts: PdfFacts = {
    pdfVersion: catalogVersion(doc, headerVersion),
    pageCount: doc.pages().length,
    encrypted: false,
    signed,
    signatureCount: signatures.signatureCount,
    ...(signatures.certificationPermission !== undefined ? { certificationPermission: signatures.certificationPermission } : {}),
    ...(pdfa ? { pdfa } : {}),
    ...(doc.damage ? { damaged: doc.damage } : {}),
    activeContent: items,
    embeddedFiles,
  };
  let stripped: StrippedPdf | undefined;
  if (refusable.length > 0 && options.activeContent === 'strip' && !signed) {
    stripped = strip(doc, refusable, { stripEmbeddedFile: refusedFile, stripAllEmbeddedFiles: !embeddedAllowed }, options);
  } else {
    for (const item of refusable) {
      const code = item.kind === 'embedded-file' && !embeddedFiles.find((f) => f.object === item.object)?.executable ? 'EMBEDDED_FILE' : 'ACTIVE_CONTENT';
      const why = code === 'EMBEDDED_FILE' ? ' (embedded files are accepted only in PDF/A-2 and PDF/A-3 documents)' : '';
      const cannotStrip = options.activeContent === 'strip' ? ' (not removed: the file is signed, and removing it would break the signature)' : '';
      refusals.push({ code, reason: `${item.detail} in object ${item.object}${item.where ? ` at ${item.where}` : ''}${why}${cannotStrip}` });
    }
  }
  return { acceptable: refusals.length === 0, refusals, facts, ...(stripped ? { stripped } : {}) };
}

/**
 * The rewritten file, checked: it is read again and must have none of what was to be removed.
 * What was removed is what the scan of the input found (listed with the input's object numbers).
 */
function strip(doc: PdfDocument, refusable: ActiveContentItem[], policy: StripPolicy, options: InspectOptions): StrippedPdf {
  const sink = new BufferSink();
  stripActiveContent(doc, sink, policy);
  const pdf = sink.toBuffer();
  const again = inspectSource(new BufferSource(pdf), { budget: options.budget });
  const left = again.refusals.filter((r) => r.code === 'ACTIVE_CONTENT' || r.code === 'EMBEDDED_FILE' || r.code === 'UNPARSEABLE');
  if (left.length > 0) throw new PdfSignError('UNSUPPORTED_PDF', `removing the active content failed: ${left.map((r) => r.reason).join('; ')}`);
  return { pdf, removed: refusable };
}

/** The page tree (to count pages) and the form (to find signatures), besides the catalog. */
function readWhatIntakeNeeds(doc: PdfDocument): void {
  doc.catalog();
  doc.pages();
  doc.fields();
}

function refusedFor(e: unknown, facts: PdfFacts): PdfInspection {
  if (!(e instanceof PdfSignError) || e.code === 'BAD_ARGUMENT' || e.code === 'IO_ERROR') throw e;
  const code = e.code === 'ENCRYPTED_PDF' ? 'ENCRYPTED' : e.code === 'BUDGET_EXCEEDED' || e.code === 'NESTING_TOO_DEEP' ? 'OVER_BUDGET' : 'UNPARSEABLE';
  return { acceptable: false, refusals: [{ code, reason: e.message, errorCode: e.code }], facts: { ...facts, encrypted: e.code === 'ENCRYPTED_PDF' } };
}

function headerVersion(source: ByteSource): string | undefined {
  return /%PDF-(\d+\.\d+)/.exec(source.read(0, 1024).toString('latin1'))?.[1];
}

// The catalog's /Version overrides the header when it is later (ISO 32000-1 7.2.2).
function catalogVersion(doc: PdfDocument, header: string | undefined): string | undefined {
  const v = doc.catalog().dict.nameOf('Version');
  if (!v || !/^\d+\.\d+$/.test(v)) return header;
  return header === undefined || Number(v) > Number(header) ? v : header;
}
