import { XMLParser } from 'fast-xml-parser';
import { create, DocumentMetadataSchema, Priority } from '@edoc/contracts';
import { decree30Record } from '../src/domain/decree30-record';

describe('decree30Record', () => {
  const metadata = create(DocumentMetadataSchema, {
    documentId: 'doc-1',
    issuerCode: '000.00.13.H26',
    typeCode: 'QĐ',
    subject: 'Về việc <thành lập> tổ công tác & kiểm tra',
    number: 5,
    notation: 'QĐ-UBND',
    issuedDate: '2026-02-10',
    priority: Priority.URGENT,
    recipientCodes: ['000.31.13.H26'],
    toPlaces: ['Lưu: VT'],
    edxmlDocumentId: '000.00.13.H26,2026/02/10,05/QĐ-UBND',
    signer: { competence: 'KT.', position: 'PHÓ CHỦ TỊCH', fullName: 'Nguyễn Văn A' },
  });
  const xml = decree30Record({
    metadata,
    issuerName: 'UBND quận Hai Bà Trưng',
    recipientNames: new Map([['000.31.13.H26', 'UBND phường Bạch Đằng']]),
    retentionClass: '10-years',
    pageCount: 3,
    files: [{ name: 'document.pdf', sha256: 'a'.repeat(64), size: 1234, role: 'document' }],
  }).toString('utf8');
  const record = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false }).parse(xml).VanBanLuuTru;

  it('carries the Annex VI fields under their names, with escaped text that reads back the same', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(record).toMatchObject({
      MaDinhDanhVanBan: '000.00.13.H26,2026/02/10,05/QĐ-UBND',
      TenLoaiVanBan: 'Quyết định',
      SoCuaVanBan: '05',
      KyHieuCuaVanBan: 'QĐ-UBND',
      NgayThangNamVanBan: '2026-02-10',
      TenCoQuanToChucBanHanhVanBan: 'UBND quận Hai Bà Trưng',
      TrichYeuNoiDung: 'Về việc <thành lập> tổ công tác & kiểm tra',
      NgonNgu: 'Tiếng Việt',
      SoTrang: '3',
      MucDoTinCay: 'Gốc điện tử',
      ThoiHanBaoQuan: '10 năm',
      DoKhan: 'Khẩn',
    });
    expect(record.NguoiKy).toEqual({ ThamQuyen: 'KT.', ChucVu: 'PHÓ CHỦ TỊCH', HoTen: 'Nguyễn Văn A' });
    expect(record.NoiNhan.CoQuan).toEqual({ '@_ma': '000.31.13.H26', '#text': 'UBND phường Bạch Đằng' });
    expect(record.TepTin.Tep).toMatchObject({ '@_ten': 'document.pdf', '@_sha256': 'a'.repeat(64) });
  });
});
