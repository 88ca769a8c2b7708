import { verifyPdf, type VerificationReport } from '@edoc/pdf-sign';

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

export function verificationReport(files: { name: string; sha256: string; bytes: Buffer }[], trust: { anchorsPem: string[]; crlsPem: string[] } | Error, at: Date): ArchivedVerificationReport {
  const results = files.map(({ name, sha256, bytes }): FileVerification => {
    if (trust instanceof Error) return { name, sha256, error: trust.message };
    try {
      return { name, sha256, report: verifyPdf(bytes, { ...trust, at }) };
    } catch (error) {
      return { name, sha256, error: (error as Error).message };
    }
  });
  return { verifiedAt: at.toISOString(), valid: results.every((file) => file.report?.valid === true), files: results };
}
