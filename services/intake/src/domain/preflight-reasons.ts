/** What a clerk reads when intake refuses a PDF: the cause in Vietnamese, then in English, then the detail. */
const REASONS: Record<string, { vi: string; en: string }> = {
  ENCRYPTED: { vi: 'tệp PDF được mã hóa (có mật khẩu); hãy gửi bản không mã hóa', en: 'the PDF is encrypted; send it without a password' },
  UNPARSEABLE: { vi: 'tệp PDF bị hỏng, không đọc được', en: 'the PDF is damaged and cannot be read' },
  OVER_BUDGET: { vi: 'đọc tệp PDF đòi hỏi vượt quá giới hạn cho phép (có thể là tệp độc hại)', en: 'reading the PDF takes more than is allowed (it may be a hostile file)' },
  ACTIVE_CONTENT: { vi: 'tệp PDF chứa mã thực thi (JavaScript, lệnh chạy chương trình); hãy xuất lại tệp không có mã', en: 'the PDF carries active content (JavaScript, launch actions); export it again without' },
  EMBEDDED_FILE: { vi: 'tệp PDF có tệp nhúng bên trong; hãy gửi phụ lục thành tệp riêng', en: 'the PDF embeds a file; send attachments as files of their own' },
  SIGNATURE_WOULD_BREAK: { vi: 'tệp PDF đã được ký theo cách không cho phép ký thêm', en: 'the PDF is already signed in a way another signature would break' },
  TOO_SLOW: { vi: 'đọc tệp PDF mất quá nhiều thời gian', en: 'reading the PDF takes too long' },
};

/** "file (x.pdf): tệp PDF được mã hóa …; the PDF is encrypted … (detail)". */
export function preflightReason(name: string, code: string, detail: string): string {
  const reason = REASONS[code] ?? { vi: 'tệp PDF không được chấp nhận', en: 'the PDF is not accepted' };
  return `${name}: ${reason.vi} / ${reason.en}${detail === '' ? '' : ` (${detail.slice(0, 300)})`}`;
}
