/** Names of document types by their abbreviation (Decree 30/2020, Annex III); "CV" is a công văn, which prints none. */
export const DOCUMENT_TYPE_NAMES: Readonly<Record<string, string>> = {
  NQ: 'Nghị quyết',
  QĐ: 'Quyết định',
  CT: 'Chỉ thị',
  QC: 'Quy chế',
  QyĐ: 'Quy định',
  TC: 'Thông cáo',
  TB: 'Thông báo',
  HD: 'Hướng dẫn',
  CTr: 'Chương trình',
  KH: 'Kế hoạch',
  PA: 'Phương án',
  ĐA: 'Đề án',
  DA: 'Dự án',
  BC: 'Báo cáo',
  BB: 'Biên bản',
  TTr: 'Tờ trình',
  HĐ: 'Hợp đồng',
  CĐ: 'Công điện',
  BGN: 'Bản ghi nhớ',
  BTT: 'Bản thỏa thuận',
  GUQ: 'Giấy ủy quyền',
  GM: 'Giấy mời',
  GGT: 'Giấy giới thiệu',
  GNP: 'Giấy nghỉ phép',
  PG: 'Phiếu gửi',
  PC: 'Phiếu chuyển',
  PB: 'Phiếu báo',
  SY: 'Bản sao y',
  TrS: 'Bản trích sao',
  SL: 'Bản sao lục',
  CV: 'Công văn',
};

export function documentTypeName(typeCode: string): string {
  return DOCUMENT_TYPE_NAMES[typeCode.normalize('NFC')] ?? typeCode;
}
