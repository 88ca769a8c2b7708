export { PdfSignError, type PdfSignErrorCode } from './errors';
export type { PersonAppearance, OrganisationAppearance, AttachmentAppearance, InvisibleAppearance, SignatureAppearance } from './appearance/appearance-types';
export type { Rect } from './appearance/page-geometry';
export { signPdf, signPdfFile, type SignPdfOptions, type SignFileOptions, type SignFileResult } from './signing/sign-pdf';
export { isoVietnam, pdfDate } from './core/pdf-date';
export { verifyPdf, exitCodeFor } from './verify/verify-pdf';
export type { VerificationReport, SignatureReport, Check, CheckName, Indication, SubIndication, SignerSummary, TimestampSummary, TrustOptions } from './verify/report-types';
export { FONT_DIR } from './appearance/fonts';
