import { XMLBuilder } from 'fast-xml-parser';
import { type DocumentMetadata, priorityText } from '@edoc/contracts';
import { documentTypeName } from '@edoc/contracts';

export const RECORD_NAMESPACE = 'urn:edoc:archive:nd30-2020:phu-luc-vi';


export interface RecordInput {
  metadata: DocumentMetadata;
  issuerName: string;
  recipientNames: ReadonlyMap<string, string>;
  retentionClass: string;
  /** Pages of the main PDF. */
  pageCount: number;
  files: { name: string; sha256: string; size: number; role: string }[];
}

/**
 * The archive's XML record of an issued document. The first elements carry the metadata fields of
 * an archived document (văn bản) in Decree 30/2020/NĐ-CP, Annex VI, under their Vietnamese names
 * without diacritics; the exchange's own facts (signer, recipients, files and their SHA-256) follow
 * in their own elements. Fields the exchange does not know (file code, keywords, ...) are present
 * and empty, for the archivist to fill in when the document is filed.
 */
export function decree30Record(input: RecordInput): Buffer {
  const m = input.metadata;
  const record = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    VanBanLuuTru: {
      '@_xmlns': RECORD_NAMESPACE,
      MaDinhDanhVanBan: m.edxmlDocumentId,
      MaHoSo: '',
      SoThuTuVanBanTrongHoSo: '',
      TenLoaiVanBan: documentTypeName(m.typeCode),
      SoCuaVanBan: m.number < 10 ? `0${m.number}` : String(m.number),
      KyHieuCuaVanBan: m.notation,
      NgayThangNamVanBan: m.issuedDate,
      TenCoQuanToChucBanHanhVanBan: input.issuerName,
      MaCoQuanBanHanh: m.issuerCode,
      TrichYeuNoiDung: m.subject,
      NgonNgu: 'Tiếng Việt',
      SoTrang: input.pageCount,
      KyHieuThongTin: '',
      TuKhoa: '',
      CheDoSuDung: '',
      MucDoTinCay: 'Gốc điện tử',
      ButTich: '',
      TinhTrangVatLy: '',
      GhiChu: '',
      ThoiHanBaoQuan: input.retentionClass === 'permanent' ? 'Vĩnh viễn' : `${input.retentionClass.replace('-years', '')} năm`,
      VanBanQuyPhamPhapLuat: m.legalNormative,
      DoKhan: priorityText(m.priority),
      HanTraLoi: m.dueDate,
      NoiBanHanh: m.place,
      NguoiKy: { ThamQuyen: m.signer?.competence ?? '', ChucVu: m.signer?.position ?? '', HoTen: m.signer?.fullName ?? '' },
      NoiNhan: {
        CoQuan: m.recipientCodes.map((code) => ({ '@_ma': code, '#text': input.recipientNames.get(code) ?? code })),
        NoiNhanKhac: m.toPlaces,
      },
      TraLoiVanBan: m.responseFor,
      MaVanBanEdoc: m.documentId,
      TepTin: { Tep: input.files.map((file) => ({ '@_ten': file.name, '@_vaiTro': file.role, '@_sha256': file.sha256, '@_kichThuoc': file.size })) },
    },
  };
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressEmptyNode: false, processEntities: true });
  return Buffer.from(builder.build(record) as string, 'utf8');
}
