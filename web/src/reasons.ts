import { language } from './i18n';

/** The fields the API names in its reasons, as a clerk knows them. */
const FIELDS: Record<string, string> = {
  subject: 'Trích yếu',
  type: 'Loại văn bản',
  recipients: 'Nơi nhận',
  urgency: 'Độ khẩn',
  dueDate: 'Hạn xử lý',
  signer: 'Người ký',
  steeringType: 'Loại chỉ đạo',
  businessType: 'Loại nghiệp vụ',
  replaces: 'Văn bản được thay thế',
  responseFor: 'Trả lời văn bản',
  secrecy: 'Độ mật',
  file: 'Tệp văn bản',
  attachments: 'Tệp đính kèm',
  metadata: 'Thông tin văn bản',
  password: 'Mật khẩu',
  username: 'Tên đăng nhập',
  displayName: 'Họ và tên',
  orgCode: 'Đơn vị',
  roles: 'Vai trò',
  reason: 'Lý do',
  status: 'Trạng thái',
  author: 'Nơi gửi',
  numberNotation: 'Số, ký hiệu',
  documentDate: 'Ngày văn bản',
};

/** The API's recurring phrases, in Vietnamese; what is not here stays as the API said it. */
const PHRASES: [RegExp, string][] = [
  [/\bis already past\b/g, 'đã qua'],
  [/\bis not a date \(yyyy-mm-dd\)/g, 'không phải là ngày (năm-tháng-ngày)'],
  [/\bunknown organisation or group\b/g, 'không có đơn vị hoặc nhóm'],
  [/\bis not a signer of\b/g, 'không phải người ký của đơn vị'],
  [/\bis not a username\b/g, 'không phải tên đăng nhập'],
  [/\bunknown document type\b/g, 'loại văn bản không có'],
  [/\brequired\b/g, 'bắt buộc'],
  [/\bat most (\d+) characters\b/g, 'tối đa $1 ký tự'],
  [/\bat least (\d+) characters\b/g, 'ít nhất $1 ký tự'],
  [/\bnot a PDF\b/g, 'không phải tệp PDF'],
  [/\bthe username (\S+) is taken\b/g, 'tên đăng nhập $1 đã có người dùng'],
  [/\bthe transition is not allowed\b/g, 'không chuyển được sang trạng thái này'],
];

/**
 * A reason of the API in the page's language. Reasons already given in both languages
 * ("tiếng Việt / English") keep their Vietnamese half; others get their field and common phrases
 * in Vietnamese, the rest as the API said it.
 */
export function localizedReason(reason: string): string {
  if (language.value !== 'vi') return reason;
  const bilingual = /^(.*?[^\s]) \/ [A-Z a-z]/.exec(reason);
  if (bilingual !== null && /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i.test(bilingual[1] as string)) return bilingual[1] as string;
  const field = /^([a-zA-Z]+)(\s*\([^)]*\))?:\s*/.exec(reason);
  let rest = field === null ? reason : reason.slice(field[0].length);
  for (const [pattern, words] of PHRASES) rest = rest.replace(pattern, words);
  return field === null || FIELDS[field[1] as string] === undefined ? rest : `${FIELDS[field[1] as string]}${field[2] ?? ''}: ${rest}`;
}
