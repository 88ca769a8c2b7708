export type Language = 'vi' | 'en';

export function parseLanguage(text: string | undefined): Language {
  return text === 'en' ? 'en' : 'vi';
}

/** Column headers of the CSV export, in the order of csvColumns(). */
export const CSV_HEADERS: Record<Language, readonly string[]> = {
  vi: [
    'Kỳ', 'Từ ngày', 'Đến ngày', 'Mã định danh', 'Đơn vị',
    'VB đi - điện tử', 'VB đi - giấy', 'VB đi - cả hai', 'VB đến - điện tử', 'VB đến - giấy', 'VB đến - cả hai', 'Tổng số',
    'Tỷ lệ điện tử (%)', 'Chỉ tiêu điện tử (%)',
    'VB đến điện tử', 'Xác nhận trong ngày', 'Tỷ lệ xác nhận trong ngày (%)',
    'Có hạn xử lý', 'Đúng hạn', 'Trễ hạn', 'Quá hạn chưa xử lý', 'Tỷ lệ đúng hạn (%)', 'Chỉ tiêu đúng hạn (%)',
  ],
  en: [
    'period', 'from', 'to', 'org_code', 'org_name',
    'outgoing_electronic', 'outgoing_paper', 'outgoing_both', 'incoming_electronic', 'incoming_paper', 'incoming_both', 'total',
    'electronic_share_percent', 'electronic_target_percent',
    'deliveries', 'confirmed_same_day', 'same_day_share_percent',
    'due', 'on_time', 'late', 'overdue', 'on_time_share_percent', 'on_time_target_percent',
  ],
};

/** Words of the monthly PDF report. */
export const REPORT_LABELS = {
  vi: {
    title: (month: string) => `BÁO CÁO VĂN BẢN ĐIỆN TỬ THÁNG ${month.slice(5, 7)}/${month.slice(0, 4)}`,
    period: (from: string, to: string) => `Số liệu từ ngày ${viDate(from)} đến ngày ${viDate(to)}`,
    partial: 'Tháng chưa kết thúc: số liệu tính đến hôm nay.',
    generated: (at: string) => `Lập lúc ${at}`,
    summary: 'Tổng hợp toàn bộ đơn vị',
    electronicShare: 'Tỷ lệ văn bản điện tử',
    target: 'chỉ tiêu',
    documents: (e: number, p: number, b: number) => `Văn bản đi và đến: ${e} điện tử, ${p} giấy, ${b} cả hai`,
    sameDay: 'Xác nhận đã nhận trong ngày',
    onTime: 'Văn bản có hạn xử lý được xử lý đúng hạn',
    units: 'Các đơn vị (thấp nhất trước)',
    columns: ['Đơn vị', 'Điện tử', 'Giấy', 'Cả hai', 'Tỷ lệ ĐT', 'Trong ngày', 'Đúng hạn'],
    below: (n: number) => `Đơn vị chưa đạt chỉ tiêu văn bản điện tử: ${n}`,
    none: '—',
    page: (n: number, of: number) => `Trang ${n}/${of}`,
  },
  en: {
    title: (month: string) => `ELECTRONIC DOCUMENTS REPORT, ${month}`,
    period: (from: string, to: string) => `Figures from ${from} to ${to}`,
    partial: 'The month is not over: figures up to today.',
    generated: (at: string) => `Generated ${at}`,
    summary: 'All units together',
    electronicShare: 'Electronic share',
    target: 'target',
    documents: (e: number, p: number, b: number) => `Outgoing and incoming documents: ${e} electronic, ${p} paper, ${b} both`,
    sameDay: 'Receipts confirmed the same day',
    onTime: 'Documents with a due date handled on time',
    units: 'Units (lowest first)',
    columns: ['Unit', 'Electronic', 'Paper', 'Both', 'E-share', 'Same day', 'On time'],
    below: (n: number) => `Units below the electronic target: ${n}`,
    none: '—',
    page: (n: number, of: number) => `Page ${n}/${of}`,
  },
} as const;

function viDate(day: string): string {
  return `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
}

/** 87.5 → "87,5%" in Vietnamese, "87.5%" in English; null → a dash. */
export function formatPercent(value: number | null, language: Language): string {
  if (value === null) return '—';
  const text = String(Math.round(value * 10) / 10);
  return `${language === 'vi' ? text.replace('.', ',') : text}%`;
}
