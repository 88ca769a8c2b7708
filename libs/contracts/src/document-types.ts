/**
 * Document types of Decree 30/2020 with their abbreviations. A công văn prints no type
 * abbreviation in its notation; edoc stores it as "CV" so every document has a type code.
 */
export const DOCUMENT_TYPES: Readonly<Record<string, string>> = {
  CV: 'Công văn',
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
};

export const CONG_VAN = 'CV';

/** The name of a type ("Quyết định" for "QĐ"), or the code itself when it is not one of Decree 30's. */
export function documentTypeName(typeCode: string): string {
  return DOCUMENT_TYPES[typeCode.normalize('NFC')] ?? typeCode;
}

/** Accepts the abbreviation in any letter case and with "D" for "Đ", and returns the canonical one. */
export function canonicalTypeCode(input: string): string | undefined {
  const wanted = foldCase(input.trim());
  return Object.keys(DOCUMENT_TYPES).find((code) => foldCase(code) === wanted);
}

function foldCase(text: string): string {
  return text.normalize('NFC').replace(/đ/gi, 'd').toUpperCase();
}
