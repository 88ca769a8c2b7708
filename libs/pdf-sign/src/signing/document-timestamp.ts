import { PkiError, type TimestampProvider, verifyTimestampToken } from '@edoc/pki';
import type { ReadBudget } from '../core/read-budget';
import { PdfSignError } from '../errors';
import { type ContentsMaker, type SignFileResult, type SignedPdf, appendSignatureField, appendSignatureFieldToFile } from './sign-pdf';

export interface DocumentTimestampOptions {
  /** The time-stamp authority: its token over the byte ranges is the whole /Contents. */
  readonly timestamp: TimestampProvider;
  readonly fieldName?: string;
  readonly budget?: ReadBudget;
  /** fsync the output before renaming it into place (file form only; default true). */
  readonly durable?: boolean;
}

/**
 * Appends a document time-stamp (PAdES B-LTA's archive time-stamp): a proof that every byte before
 * it, signatures and validation data included, existed at the token's time. Renewed before the
 * last one's TSA certificate expires, it keeps older signatures verifiable past their algorithms'
 * and certificates' lives.
 */
export function timestampPdf(pdf: Buffer, opts: DocumentTimestampOptions): Promise<SignedPdf> {
  return appendSignatureField(pdf, timestampMaker(opts), { repairDamaged: false, budget: opts.budget });
}

/** timestampPdf from file to file, with flat memory. */
export function timestampPdfFile(inputPath: string, outputPath: string, opts: DocumentTimestampOptions): Promise<SignFileResult> {
  return appendSignatureFieldToFile(inputPath, outputPath, timestampMaker(opts), { repairDamaged: false, budget: opts.budget, durable: opts.durable });
}

function timestampMaker(opts: DocumentTimestampOptions): ContentsMaker {
  if (!opts || typeof opts.timestamp?.timestamp !== 'function') throw new PdfSignError('BAD_ARGUMENT', 'a time-stamp provider is required');
  return {
    prepareOptions: (reservedBytes) => ({ appearance: { kind: 'invisible' }, signingTime: new Date(), reservedBytes, fieldName: opts.fieldName, documentTimestamp: true }),
    estimatedSize: (opts.timestamp.estimatedTokenSize?.() ?? 12_000) + 64,
    sizeFixed: false,
    make: async (digest) => {
      let token: Buffer;
      try {
        token = await opts.timestamp.timestamp(digest, 'sha256');
      } catch (e) {
        const reason = e instanceof PkiError || e instanceof PdfSignError ? e.message : `unexpected error: ${(e as Error).message}`;
        throw new PdfSignError('TIMESTAMP_FAILED', `could not obtain the document time-stamp: ${reason}`);
      }
      // Never embed a token that does not stamp these bytes.
      const check = verifyTimestampToken(token, { hash: 'sha256', digest });
      if (check.problems.length) throw new PdfSignError('TIMESTAMP_FAILED', `the time-stamp authority returned an unusable token: ${check.problems.join('; ')}`);
      return token;
    },
  };
}
