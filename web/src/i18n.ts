import { signal } from './signal';

/** The words of the app, Vietnamese first (the clerks' language), English on the switch. */
const WORDS = {
  vi: {
    appTitle: 'Văn bản điện tử',
    compose: 'Soạn văn bản',
    signQueue: 'Chờ ký',
    outgoing: 'Văn bản đi',
    inbox: 'Văn bản đến',
    dashboard: 'Bảng điều khiển',
    signOut: 'Đăng xuất',
    language: 'English',
    loading: 'Đang tải…',
    type: 'Loại văn bản',
    subject: 'Trích yếu',
    urgency: 'Độ khẩn',
    dueDate: 'Hạn xử lý',
    steeringType: 'Loại chỉ đạo',
    steeringNone: 'Không',
    steeringDirect: 'Chỉ đạo',
    steeringReport: 'Báo cáo',
    responseFor: 'Trả lời văn bản (mã edXML)',
    recipients: 'Nơi nhận',
    searchRecipients: 'Tìm đơn vị',
    groups: 'Nhóm',
    signer: 'Người ký',
    chooseSigner: '— Chọn người ký —',
    mainFile: 'Tệp văn bản (PDF)',
    attachments: 'Tệp đính kèm (PDF)',
    files: 'Tệp',
    sendForSignature: 'Trình ký',
    uploading: 'Đang tải lên',
    sentForSignature: 'Đã trình ký. Văn bản đang chờ người ký duyệt.',
    problems: 'Chưa gửi được:',
    required: 'bắt buộc',
    tooLong: 'tối đa 500 ký tự',
    pastDate: 'hạn đã qua',
    noRecipients: 'chọn ít nhất một nơi nhận',
    notPdf: 'chỉ nhận tệp PDF',
    normal: 'Thường',
    khan: 'Khẩn',
    thuongKhan: 'Thượng khẩn',
    hoaToc: 'Hỏa tốc',
    nothingWaiting: 'Không có văn bản nào chờ ký.',
    approve: 'Ký duyệt',
    returnIt: 'Trả lại',
    comment: 'Ý kiến',
    code: 'Mã xác thực (nếu có)',
    approved: 'Đã ký. Văn bản được cấp số và phát hành.',
    returned: 'Đã trả lại văn bản cho văn thư.',
    submittedBy: 'Người trình',
    overdue: 'Quá hạn',
    status: 'Trạng thái',
    recipient: 'Đơn vị nhận',
    updatedAt: 'Cập nhật',
    recall: 'Thu hồi',
    recallReason: 'Lý do thu hồi',
    recalled: 'Đã gửi yêu cầu thu hồi.',
    noDocuments: 'Chưa có văn bản.',
    number: 'Số, ký hiệu',
    state: 'Tình trạng',
    sender: 'Nơi gửi',
    arrived: 'Ngày đến',
    open: 'Mở',
    download: 'Tải về',
    accept: 'Tiếp nhận (03)',
    assign: 'Phân công (04)',
    complete: 'Hoàn thành (06)',
    refuse: 'Từ chối (02)',
    reason: 'Lý do',
    reported: 'Đã gửi trạng thái',
    liveUpdates: 'Tự cập nhật mỗi 5 giây',
    receiptOverdue: 'Chưa xác nhận đến hạn',
    preview: 'Xem trước',
    page: 'Trang',
    error: 'Lỗi',
    retry: 'Thử lại',
  },
  en: {
    appTitle: 'E-documents',
    compose: 'Compose',
    signQueue: 'To sign',
    outgoing: 'Outgoing',
    inbox: 'Inbox',
    dashboard: 'Dashboard',
    signOut: 'Sign out',
    language: 'Tiếng Việt',
    loading: 'Loading…',
    type: 'Type',
    subject: 'Subject',
    urgency: 'Urgency',
    dueDate: 'Due date',
    steeringType: 'Steering type',
    steeringNone: 'None',
    steeringDirect: 'Directive',
    steeringReport: 'Report',
    responseFor: 'In reply to (edXML id)',
    recipients: 'Recipients',
    searchRecipients: 'Search units',
    groups: 'Groups',
    signer: 'Signer',
    chooseSigner: '— Choose the signer —',
    mainFile: 'Document (PDF)',
    attachments: 'Attachments (PDF)',
    files: 'Files',
    sendForSignature: 'Send for signature',
    uploading: 'Uploading',
    sentForSignature: 'Sent for signature. The document waits for its signer.',
    problems: 'Not sent:',
    required: 'required',
    tooLong: 'at most 500 characters',
    pastDate: 'already past',
    noRecipients: 'choose at least one recipient',
    notPdf: 'PDF files only',
    normal: 'Normal',
    khan: 'Urgent',
    thuongKhan: 'Very urgent',
    hoaToc: 'Immediate',
    nothingWaiting: 'Nothing waits for your signature.',
    approve: 'Approve and sign',
    returnIt: 'Return',
    comment: 'Comment',
    code: 'Authentication code (if any)',
    approved: 'Signed. The document is numbered and issued.',
    returned: 'Returned to the clerk.',
    submittedBy: 'Submitted by',
    overdue: 'Overdue',
    status: 'Status',
    recipient: 'Recipient',
    updatedAt: 'Updated',
    recall: 'Recall',
    recallReason: 'Reason for the recall',
    recalled: 'Recall sent.',
    noDocuments: 'No documents yet.',
    number: 'Number',
    state: 'State',
    sender: 'Sender',
    arrived: 'Arrived',
    open: 'Open',
    download: 'Download',
    accept: 'Accept (03)',
    assign: 'Assign (04)',
    complete: 'Complete (06)',
    refuse: 'Refuse (02)',
    reason: 'Reason',
    reported: 'Status sent',
    liveUpdates: 'Updates every 5 seconds',
    receiptOverdue: 'Receipt overdue',
    preview: 'Preview',
    page: 'Page',
    error: 'Error',
    retry: 'Try again',
  },
} as const;

export type Language = keyof typeof WORDS;
export type WordKey = keyof (typeof WORDS)['vi'];

const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem('edoc.language');
export const language = signal<Language>(stored === 'en' ? 'en' : 'vi');

export function t(key: WordKey): string {
  return WORDS[language.value][key];
}

export function switchLanguage(): void {
  language.value = language.value === 'vi' ? 'en' : 'vi';
  localStorage.setItem('edoc.language', language.value);
  document.documentElement.lang = language.value;
}

/** What each delivery status means (QCVN 102:2016 and edoc's own), in words. */
const STATUS_WORDS: Record<string, [string, string]> = {
  '01': ['Đã đến', 'Arrived'],
  '02': ['Từ chối', 'Refused'],
  '03': ['Đã tiếp nhận', 'Accepted'],
  '04': ['Đã phân công', 'Assigned'],
  '05': ['Đang xử lý', 'In progress'],
  '06': ['Hoàn thành', 'Completed'],
  '13': ['Yêu cầu thu hồi', 'Recall requested'],
  '14': ['Đồng ý thu hồi', 'Recall agreed'],
  '15': ['Cập nhật', 'Updated'],
  '16': ['Không đồng ý thu hồi', 'Recall refused'],
};

/** What a document's state means, in words. */
const STATE_WORDS: Record<string, [string, string]> = {
  submitted: ['Đã gửi lên', 'Submitted'],
  awaiting_signature: ['Chờ ký', 'Awaiting signature'],
  returned: ['Bị trả lại', 'Returned'],
  person_signed: ['Đã ký, chờ cấp số', 'Signed, being numbered'],
  numbered: ['Đã cấp số', 'Numbered'],
  issued: ['Đã phát hành', 'Issued'],
  recalled: ['Đã thu hồi', 'Recalled'],
  failed: ['Lỗi', 'Failed'],
};

export function stateWords(state: string): string {
  const words = STATE_WORDS[state];
  return words === undefined ? state : words[language.value === 'vi' ? 0 : 1];
}

export function statusWords(code: string | null): string {
  if (code === null) return language.value === 'vi' ? 'Đang gửi' : 'Sending';
  const words = STATUS_WORDS[code];
  return words === undefined ? code : `${code} · ${words[language.value === 'vi' ? 0 : 1]}`;
}
