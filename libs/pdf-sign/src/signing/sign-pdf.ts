import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, copyFileSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { isSigningKey, type SigningKey, type TimestampProvider } from '@edoc/pki';
import type { SignatureAppearance } from '../appearance/appearance-types';
import { BufferSink, FileSink } from '../core/byte-sink';
import { BufferSource, FileSource } from '../core/byte-source';
import type { DamageNote } from '../core/damage';
import type { PdfDocument } from '../core/pdf-document';
import type { ReadBudget } from '../core/read-budget';
import { PdfSignError } from '../errors';
import { cutBack } from '../update/cut-back';
import { createPadesCms, estimateCmsSize } from './create-cms';
import { openForSigning, openRepaired, repairForSigning, withRepairRetry } from './open-for-signing';
import { type PrepareOptions, type PreparedSignature, prepareSignature } from './prepare-signature';
import { formatByteRange } from './signature-dictionary';
import type { MdpPermission } from '../verify/modification-permission';

export interface SignPdfOptions {
  /** The signer's certificate and key: in memory (loadSigningIdentity) or on a token (Pkcs11SigningKey). */
  readonly identity: SigningKey;
  readonly appearance: SignatureAppearance;
  /** Written to /M; defaults to now. */
  readonly signingTime?: Date;
  readonly reason?: string;
  readonly location?: string;
  readonly contactInfo?: string;
  /** With a provider the signature is PAdES B-T, without it B-B. */
  readonly timestamp?: TimestampProvider;
  readonly fieldName?: string;
  /**
   * What the signature permits after it, as a FieldMDP lock over all fields: 1 nothing but validation
   * data and document time-stamps, 2 also signatures, 3 also annotations. Verifiers that know
   * PDF 2.0's /P (edoc's among them) fail the signature on any later change it forbids.
   */
  readonly lock?: MdpPermission;
  /** Bytes reserved for the CMS; by default estimated from the certificates and the TSA. */
  readonly signatureSize?: number;
  /**
   * An unsigned file whose cross-reference data is damaged (but whose objects are all there) is
   * rewritten as a sound file and that is signed; the result says so. Default true; with false
   * such a file is refused with the damage as the reason.
   */
  readonly repairDamaged?: boolean;
  /** Limits on what reading the file may take (decompression, objects, nesting). */
  readonly budget?: ReadBudget;
}

export interface SignedPdf {
  readonly pdf: Buffer;
  readonly fieldName: string;
  /** Set when the input was damaged and rewritten before signing: the signed file is not the input plus an update. */
  readonly repaired?: DamageNote;
}

/**
 * Signs a PDF held in memory: the result is the original bytes followed by one incremental
 * update (or, for a damaged unsigned file, its repaired rewrite followed by one; see
 * signPdfDetailed to know). Holds the input and the output (about twice the file); see
 * signPdfFile for big files.
 */
export async function signPdf(pdf: Buffer, opts: SignPdfOptions): Promise<Buffer> {
  return (await signPdfDetailed(pdf, opts)).pdf;
}

/** signPdf, also saying which field was signed and whether the input had to be repaired first. */
export async function signPdfDetailed(input: Buffer, opts: SignPdfOptions): Promise<SignedPdf> {
  checkOptions(opts);
  return appendSignatureField(input, signatureMaker(opts), opts);
}

/**
 * What goes into the new field: the options prepareSignature lays it out with, and what fills its
 * /Contents once the byte ranges are known (a signer's CMS, or a time-stamp token for a document
 * time-stamp).
 */
export interface ContentsMaker {
  prepareOptions(reservedBytes: number): PrepareOptions;
  /** Bytes to reserve for /Contents. */
  readonly estimatedSize: number;
  /** When the caller fixed the size: a /Contents that does not fit is an error, not a retry. */
  readonly sizeFixed: boolean;
  make(digest: Buffer): Promise<Buffer>;
}

/** How the file is read and written, whatever goes into the new field. */
export interface AppendOptions {
  readonly repairDamaged?: boolean;
  readonly budget?: ReadBudget;
  readonly durable?: boolean;
}

function signatureMaker(opts: SignPdfOptions): ContentsMaker {
  return {
    prepareOptions: (reservedBytes) => prepareOptions(opts, reservedBytes),
    estimatedSize: opts.signatureSize ?? estimateCmsSize(opts.identity, opts.timestamp),
    sizeFixed: opts.signatureSize !== undefined,
    make: (digest) => createPadesCms(opts.identity, digest, opts.timestamp),
  };
}

/** The input followed by one incremental update adding the field `maker` describes. */
export async function appendSignatureField(input: Buffer, maker: ContentsMaker, opts: AppendOptions): Promise<SignedPdf> {
  if (!Buffer.isBuffer(input)) throw new PdfSignError('BAD_ARGUMENT', 'the PDF must be given as a Buffer');
  const source = new BufferSource(input);
  const repair = opts.repairDamaged !== false;
  return withRepairRetry(repair, (damage) => openForSigning(source, { repair, budget: opts.budget, damage }), (doc) => signDocument(input, doc, maker, opts));
}

async function signDocument(input: Buffer, opened: PdfDocument, maker: ContentsMaker, opts: AppendOptions): Promise<SignedPdf> {
  let pdf = input;
  let doc = opened;
  let repaired: DamageNote | undefined;
  if (doc.damage) {
    const sink = new BufferSink();
    repaired = repairForSigning(doc, sink);
    pdf = sink.toBuffer();
    doc = openRepaired(new BufferSource(pdf), opts.budget);
  }
  return withPlaceholderRetry(maker, async (reserved) => {
    const prepared = await prepareSignature(doc, maker.prepareOptions(reserved));
    const update = Buffer.from(prepared.update);
    const range = byteRange(prepared);
    formatByteRange(range).copy(update, prepared.byteRangeOffset);
    const hash = createHash('sha256').update(pdf);
    hash.update(update.subarray(0, prepared.contentsOffset));
    hash.update(update.subarray(prepared.contentsOffset + prepared.contentsLength));
    fillContents(update, prepared, await maker.make(hash.digest()));
    return { pdf: Buffer.concat([pdf, update]), fieldName: prepared.fieldName, ...(repaired ? { repaired } : {}) };
  });
}

export interface SignFileOptions extends SignPdfOptions {
  /** fsync the output before renaming it into place (default true): survives a power cut. */
  readonly durable?: boolean;
}

export interface SignFileResult {
  readonly outputPath: string;
  readonly fieldName: string;
  readonly bytesWritten: number;
  /** Set when the input was damaged and rewritten before signing (see SignPdfOptions.repairDamaged). */
  readonly repaired?: DamageNote;
}

const CHUNK = 1 << 20;

/**
 * Signs a PDF file into `outputPath` without loading it: memory stays flat whatever the file
 * size (the copy is hashed in 1 MB chunks). Writes to a temporary file renamed into place, so a
 * failure never leaves a partial output. With `outputPath` the input itself, the signature is
 * appended to it instead, and a failure leaves it as it was.
 */
export async function signPdfFile(inputPath: string, outputPath: string, opts: SignFileOptions): Promise<SignFileResult> {
  checkOptions(opts);
  return appendSignatureFieldToFile(inputPath, outputPath, signatureMaker(opts), opts);
}

/** appendSignatureField from file to file, with flat memory (see signPdfFile). */
export async function appendSignatureFieldToFile(inputPath: string, outputPath: string, maker: ContentsMaker, opts: AppendOptions): Promise<SignFileResult> {
  const source = new FileSource(inputPath);
  const repair = opts.repairDamaged !== false;
  try {
    return await withRepairRetry(repair, (damage) => openForSigning(source, { repair, budget: opts.budget, damage }), (doc) => signDocumentToFile(inputPath, outputPath, doc, maker, opts));
  } finally {
    source.close();
  }
}

async function signDocumentToFile(inputPath: string, outputPath: string, opened: PdfDocument, maker: ContentsMaker, opts: AppendOptions): Promise<SignFileResult> {
  const tmp = join(dirname(outputPath), `.${basename(outputPath)}.${randomBytes(6).toString('hex')}.tmp`);
  // Output and input the same file: the update is appended to it, no copy made (a new file is dear
  // on some file systems), and a failure cuts it back to its length before. A damaged file is
  // still rewritten into a temporary file first.
  const inPlace = resolve(inputPath) === resolve(outputPath) && !opened.damage;
  let out: number | undefined;
  let rewritten: FileSource | undefined;
  try {
    let doc = opened;
    let repaired: DamageNote | undefined;
    if (inPlace) {
      out = openSync(inputPath, 'r+');
      if (fstatSync(out).size !== opened.source.length) throw new PdfSignError('IO_ERROR', `${inputPath} changed while it was being signed`);
    } else if (doc.damage) {
      // The repaired file is written straight into the output's temporary file: memory stays flat.
      out = openSync(tmp, 'wx+');
      repaired = repairForSigning(doc, new FileSink(out, tmp));
      rewritten = new FileSource(tmp);
      doc = openRepaired(rewritten, opts.budget);
    } else {
      // The kernel copies the original (copy_file_range, or a reflink where the file system has
      // them); the copy is then hashed, so the signature covers exactly the bytes written.
      copyFileSync(inputPath, tmp, constants.COPYFILE_EXCL);
      out = openSync(tmp, 'r+');
      if (fstatSync(out).size !== opened.source.length) throw new PdfSignError('IO_ERROR', `${inputPath} changed while it was being signed`);
    }
    const baseLength = doc.source.length;
    const base = createHash('sha256');
    const buf = Buffer.allocUnsafe(CHUNK);
    for (let pos = 0; pos < baseLength; ) {
      const n = readSync(out, buf, 0, Math.min(CHUNK, baseLength - pos), pos);
      if (n === 0) throw new PdfSignError('IO_ERROR', `${inputPath} changed while it was being signed`);
      base.update(buf.subarray(0, n));
      pos += n;
    }
    const fd = out;
    const result = await withPlaceholderRetry(maker, async (reserved) => {
      const prepared = await prepareSignature(doc, maker.prepareOptions(reserved));
      const update = Buffer.from(prepared.update);
      formatByteRange(byteRange(prepared)).copy(update, prepared.byteRangeOffset);
      const hash = base.copy();
      hash.update(update.subarray(0, prepared.contentsOffset));
      hash.update(update.subarray(prepared.contentsOffset + prepared.contentsLength));
      fillContents(update, prepared, await maker.make(hash.digest()));
      writeAll(fd, update, prepared.baseLength);
      ftruncateSync(fd, prepared.baseLength + update.length); // a retried, longer attempt leaves no tail
      return { fieldName: prepared.fieldName, bytesWritten: prepared.baseLength + update.length };
    });
    if (opts.durable !== false) fsyncSync(out);
    closeSync(out);
    out = undefined;
    if (!inPlace) renameSync(tmp, outputPath);
    return { outputPath, ...result, ...(repaired ? { repaired } : {}) };
  } catch (e) {
    if (out !== undefined) {
      if (inPlace) cutBack(out, opened.source.length);
      closeSync(out);
    }
    try {
      if (!inPlace) unlinkSync(tmp);
    } catch {
      // nothing was created
    }
    if ((e as NodeJS.ErrnoException).code && !(e instanceof PdfSignError)) {
      throw new PdfSignError('IO_ERROR', `cannot write ${outputPath}: ${(e as NodeJS.ErrnoException).code}`);
    }
    throw e;
  } finally {
    rewritten?.close();
  }
}

function writeAll(fd: number, data: Buffer, position: number): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done, position + done);
}

function prepareOptions(opts: SignPdfOptions, reservedBytes: number): PrepareOptions {
  return {
    appearance: opts.appearance,
    signingTime: opts.signingTime ?? new Date(),
    reservedBytes,
    fieldName: opts.fieldName,
    lock: opts.lock,
    signerName: commonName(opts.identity),
    reason: opts.reason,
    location: opts.location,
    contactInfo: opts.contactInfo,
  };
}

function commonName(identity: SigningKey): string | undefined {
  return identity.certificate.subject.attributes.find((a) => a.oid === '2.5.4.3')?.value;
}

function byteRange(p: PreparedSignature): [number, number, number, number] {
  const contentsStart = p.baseLength + p.contentsOffset;
  const contentsEnd = contentsStart + p.contentsLength;
  return [0, contentsStart, contentsEnd, p.baseLength + p.update.length - contentsEnd];
}

function fillContents(update: Buffer, p: PreparedSignature, cms: Buffer): void {
  const hex = cms.toString('hex');
  if (hex.length > p.contentsLength - 2) throw new SignatureTooLarge(cms.length, (p.contentsLength - 2) / 2);
  update.write(hex, p.contentsOffset + 1, 'latin1');
}

class SignatureTooLarge extends PdfSignError {
  constructor(
    readonly needed: number,
    readonly reserved: number,
  ) {
    super('SIGNATURE_TOO_LARGE', `the signature (${needed} bytes) does not fit the ${reserved} bytes reserved for it; reserve at least ${needed} bytes`);
  }
}

// An estimated placeholder that turns out too small (a TSA with a long chain) is retried once at
// the measured size; a size the caller fixed is an error to report.
async function withPlaceholderRetry<T>(maker: ContentsMaker, attempt: (reserved: number) => Promise<T>): Promise<T> {
  try {
    return await attempt(maker.estimatedSize);
  } catch (e) {
    if (maker.sizeFixed || !(e instanceof SignatureTooLarge)) throw e;
    return attempt(e.needed + 2048);
  }
}

function checkOptions(opts: SignPdfOptions): void {
  if (!opts || !isSigningKey(opts.identity)) throw new PdfSignError('BAD_ARGUMENT', 'a signing identity (from loadSigningIdentity, or a key on a token) is required');
  if (!opts.appearance || typeof opts.appearance !== 'object') throw new PdfSignError('BAD_ARGUMENT', 'an appearance is required ({ kind: "invisible" } for none)');
  if (opts.signingTime !== undefined && (!(opts.signingTime instanceof Date) || Number.isNaN(opts.signingTime.getTime()))) {
    throw new PdfSignError('BAD_ARGUMENT', 'signingTime must be a valid Date');
  }
  if (opts.lock !== undefined && ![1, 2, 3].includes(opts.lock)) throw new PdfSignError('BAD_ARGUMENT', `lock must be 1, 2 or 3 (got ${String(opts.lock)})`);
  if (opts.signatureSize !== undefined && (!Number.isInteger(opts.signatureSize) || opts.signatureSize < 256 || opts.signatureSize > 1_000_000)) {
    throw new PdfSignError('BAD_ARGUMENT', `signatureSize must be an integer between 256 and 1000000 bytes (got ${opts.signatureSize})`);
  }
}
