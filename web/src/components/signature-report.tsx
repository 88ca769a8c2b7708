import { language } from '../i18n';

/** The part of intake's verification report the page shows (the whole report's types live in @edoc/pdf-sign). */
export interface VerificationReport {
  valid: boolean;
  signatures: {
    kind: 'signature' | 'document-timestamp';
    fieldName: string;
    timestamp?: { tsa?: string };
    signer?: { commonName?: string; orgCode?: string; position?: string; subject: string };
    signingTime?: string;
    signingTimeSource: 'timestamp' | 'claimed' | 'none';
    coversWholeFile: boolean;
    indication: 'TOTAL_PASSED' | 'TOTAL_FAILED' | 'INDETERMINATE';
    subIndication?: string;
    checks: { name: string; status: 'pass' | 'fail' | 'skip'; detail: string }[];
  }[];
}

const WORDS = {
  vi: {
    valid: 'Tất cả chữ ký hợp lệ.',
    invalid: 'Có chữ ký không hợp lệ hoặc chưa xác định được.',
    none: 'Tệp không có chữ ký số.',
    TOTAL_PASSED: 'Hợp lệ',
    TOTAL_FAILED: 'Không hợp lệ',
    INDETERMINATE: 'Chưa xác định',
    signedBy: 'Người ký',
    stampedBy: 'Dấu thời gian của tài liệu, do',
    at: 'lúc',
    timestamp: 'theo dấu thời gian',
    claimed: 'theo máy của người ký',
    whole: 'Chữ ký bao trùm toàn bộ tệp.',
    partial: 'Tệp có phần được thêm sau chữ ký này (chữ ký sau, dấu thời gian).',
    why: 'Lý do',
  },
  en: {
    valid: 'Every signature is valid.',
    invalid: 'A signature is not valid, or could not be determined.',
    none: 'The file carries no digital signature.',
    TOTAL_PASSED: 'Valid',
    TOTAL_FAILED: 'Not valid',
    INDETERMINATE: 'Indeterminate',
    signedBy: 'Signed by',
    stampedBy: 'Document time-stamp by',
    at: 'at',
    timestamp: 'by its time-stamp',
    claimed: "by the signer's clock",
    whole: 'The signature covers the whole file.',
    partial: 'The file has later additions after this signature (later signatures, time-stamps).',
    why: 'Reason',
  },
} as const;

/** The verification of a file's signatures, said in words: who signed, when, and whether it holds. */
export function SignatureReport({ report }: { report: VerificationReport }) {
  const words = WORDS[language.value];
  const summary = report.signatures.length === 0 ? words.none : report.valid ? words.valid : words.invalid;
  return (
    <section class="signature-report" aria-label={summary} id="signature-report">
      <p class={report.valid ? 'notice' : 'error'} role="status">
        {summary}
      </p>
      <ol>
        {report.signatures.map((signature) => (
          <li data-indication={signature.indication}>
            <strong>{words[signature.indication]}</strong> —{' '}
            {signature.kind === 'document-timestamp' ? `${words.stampedBy} ${signature.timestamp?.tsa ?? '?'}` : `${words.signedBy}: ${signature.signer?.commonName ?? signature.signer?.subject ?? '?'}`}
            {signature.signer?.position === undefined ? '' : `, ${signature.signer.position}`}
            {signature.signer?.orgCode === undefined ? '' : ` (${signature.signer.orgCode})`}
            {signature.signingTime === undefined ? '' : ` ${words.at} ${new Date(signature.signingTime).toLocaleString(language.value === 'vi' ? 'vi-VN' : 'en-GB')}`}
            {signature.signingTimeSource === 'none' ? '' : ` (${words[signature.signingTimeSource]})`}. {signature.coversWholeFile ? words.whole : words.partial}
            {signature.indication !== 'TOTAL_PASSED' && (
              <span>
                {' '}
                {words.why}: {signature.subIndication ?? ''} {signature.checks.filter((check) => check.status === 'fail').map((check) => check.detail).join('; ')}
              </span>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
