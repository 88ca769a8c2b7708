import { verifyPdf, verifyPdfOnline, type VerificationReport } from '@edoc/pdf-sign';
import type { RevocationLookup } from '@edoc/pki';

export interface FileVerification {
  name: string;
  sha256: string;
  report?: VerificationReport;
  /** Why the file could not be verified at all (not a readable PDF, no trust anchor). */
  error?: string;
}

/** The verification report archived with a document: every signature of every file, checked when it was archived. */
export interface ArchivedVerificationReport {
  verifiedAt: string;
  /** True when every file's every signature is TOTAL_PASSED. */
  valid: boolean;
  files: FileVerification[];
}

/**
 * Checks every signature of one archived file, read from its scratch copy in blocks: memory stays
 * flat whatever the file's size. With `online`, revocation data that neither the district nor the
 * file holds (an attachment signed under another CA) is fetched where its certificates point.
 */
export async function verifyArchivedFile(file: { name: string; sha256: string; path: string }, trust: { anchorsPem: string[]; crlsPem: string[] } | Error, at: Date, online?: RevocationLookup): Promise<FileVerification> {
  const { name, sha256, path } = file;
  if (trust instanceof Error) return { name, sha256, error: trust.message };
  try {
    return { name, sha256, report: online ? await verifyPdfOnline(path, { ...trust, at }, online) : verifyPdf(path, { ...trust, at }) };
  } catch (error) {
    return { name, sha256, error: (error as Error).message };
  }
}

export function verificationReport(files: FileVerification[], at: Date): ArchivedVerificationReport {
  return { verifiedAt: at.toISOString(), valid: files.every((file) => file.report?.valid === true), files };
}
