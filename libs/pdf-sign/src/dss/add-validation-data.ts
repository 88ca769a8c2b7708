import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, copyFileSync, fstatSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { BufferSource, FileSource } from '../core/byte-source';
import { openPdf } from '../core/open-pdf';
import type { PdfDocument } from '../core/pdf-document';
import { PdfDict, type PdfObject, PdfRef, name } from '../core/pdf-objects';
import type { ReadBudget } from '../core/read-budget';
import { NewStream } from '../core/serialize';
import { PdfSignError } from '../errors';
import { cutBack } from '../update/cut-back';
import { UpdateObjects } from '../update/update-objects';
import { writeIncrementalUpdate } from '../update/write-update';
import { readDss } from './read-dss';

/** Validation data for a document's signatures, each item DER. */
export interface ValidationData {
  readonly certificates?: readonly Buffer[];
  readonly crls?: readonly Buffer[];
  readonly ocspResponses?: readonly Buffer[];
}

export interface ValidationDataOptions {
  readonly budget?: ReadBudget;
  /** fsync the output before renaming it into place (file form only; default true). */
  readonly durable?: boolean;
}

/**
 * Appends the certificates, CRLs and OCSP responses a verifier needs to the document security store
 * (/DSS) in an incremental update: the signatures then validate offline (PAdES B-LT), and a
 * document time-stamp after it (B-LTA) proves the data existed in time. What the store already
 * holds is not added twice; nothing new means the file is returned unchanged.
 */
export function addValidationData(pdf: Buffer, data: ValidationData, opts: ValidationDataOptions = {}): Buffer {
  if (!Buffer.isBuffer(pdf)) throw new PdfSignError('BAD_ARGUMENT', 'the PDF must be given as a Buffer');
  const update = validationUpdate(openPdf(new BufferSource(pdf), { budget: opts.budget }), data);
  return update === undefined ? pdf : Buffer.concat([pdf, update]);
}

/**
 * addValidationData from file to file: the input is copied, never loaded, and the output renamed
 * into place; with `outputPath` the input itself, the update is appended to it.
 */
export function addValidationDataFile(inputPath: string, outputPath: string, data: ValidationData, opts: ValidationDataOptions = {}): { bytesWritten: number } {
  const source = new FileSource(inputPath);
  let update: Buffer | undefined;
  try {
    update = validationUpdate(openPdf(source, { budget: opts.budget }), data);
  } finally {
    source.close();
  }
  // Output and input the same file: the update is appended to it, no copy made, and a failure cuts it back.
  const inPlace = resolve(inputPath) === resolve(outputPath);
  const tmp = join(dirname(outputPath), `.${basename(outputPath)}.${randomBytes(6).toString('hex')}.tmp`);
  const at = source.length;
  try {
    if (!inPlace) copyFileSync(inputPath, tmp, constants.COPYFILE_EXCL);
    const fd = openSync(inPlace ? inputPath : tmp, 'r+');
    try {
      if (fstatSync(fd).size !== at) throw new PdfSignError('IO_ERROR', `${inputPath} changed while validation data was being added`);
      try {
        for (let done = 0; update !== undefined && done < update.length; ) done += writeSync(fd, update, done, update.length - done, at + done);
        if (opts.durable !== false) fsyncSync(fd);
      } catch (e) {
        if (inPlace) cutBack(fd, at);
        throw e;
      }
    } finally {
      closeSync(fd);
    }
    if (!inPlace) renameSync(tmp, outputPath);
    return { bytesWritten: at + (update?.length ?? 0) };
  } catch (e) {
    try {
      if (!inPlace) unlinkSync(tmp);
    } catch {
      // nothing was created
    }
    if (e instanceof PdfSignError) throw e;
    throw new PdfSignError('IO_ERROR', `cannot write ${outputPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function validationUpdate(doc: PdfDocument, data: ValidationData): Buffer | undefined {
  if (doc.damage) throw new PdfSignError('UNSUPPORTED_PDF', 'validation data cannot be appended to a damaged file');
  const held = readDss(doc);
  const known = new Set([...held.certificates.map((c) => c.der), ...held.crls.map((c) => c.der), ...held.ocspResponses].map(sha256));
  const fresh = (items: readonly Buffer[] | undefined): Buffer[] =>
    (items ?? []).filter((der) => {
      const digest = sha256(der);
      if (known.has(digest)) return false;
      known.add(digest);
      return true;
    });
  const certificates = fresh(data.certificates);
  const crls = fresh(data.crls);
  const ocspResponses = fresh(data.ocspResponses);
  if (certificates.length + crls.length + ocspResponses.length === 0) return undefined;

  const objects = new UpdateObjects(doc.nextObjectNumber);
  const catalog = doc.catalog();
  const current = catalog.dict.get('DSS');
  const dss = doc.dict(current)?.clone() ?? new PdfDict([['Type', name('DSS')]]);
  const append = (key: string, items: Buffer[]) => {
    if (items.length === 0) return;
    const existing = doc.resolve(dss.get(key));
    const refs = items.map((der) => objects.add(new NewStream(new PdfDict([['Filter', name('FlateDecode')]]), deflateSync(der))));
    dss.set(key, [...(Array.isArray(existing) ? (existing as PdfObject[]) : []), ...refs]);
  };
  append('Certs', certificates);
  append('CRLs', crls);
  append('OCSPs', ocspResponses);
  if (current instanceof PdfRef) objects.set(current, dss);
  else objects.set(catalog.ref, catalog.dict.clone().set('DSS', objects.add(dss)));
  return writeIncrementalUpdate(doc, objects).bytes;
}

function sha256(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}
