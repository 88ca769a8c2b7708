import { csvDocument } from '@edoc/runtime';
import { vietnamDate } from '@edoc/contracts';
import type { RegisterBook, RegisterEntry } from '../repositories/registers.repository';

/** A column of a register as Decree 30 (Annex IV) prints it, and how to read it from an entry. */
export interface RegisterColumn {
  title: string;
  /** Relative width on the printed page. */
  width: number;
  value: (entry: RegisterEntry) => string;
}

const MEDIUM_LABEL: Record<RegisterEntry['medium'], string> = { electronic: 'Điện tử', paper: 'Giấy', both: 'Điện tử và giấy' };
const date = (iso: string | undefined): string => (iso === undefined || iso === '' ? '' : `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`);

export const REGISTER_COLUMNS: Record<RegisterBook, RegisterColumn[]> = {
  outgoing: [
    { title: 'Số, ký hiệu văn bản', width: 1.4, value: (e) => e.numberNotation },
    { title: 'Ngày tháng văn bản', width: 1, value: (e) => date(e.documentDate) },
    { title: 'Tên loại và trích yếu nội dung', width: 3.2, value: (e) => `${e.typeCode === 'CV' ? '' : `${e.typeCode}: `}${e.subject}` },
    { title: 'Người ký', width: 1.6, value: (e) => e.signer ?? '' },
    { title: 'Nơi nhận văn bản', width: 2, value: (e) => e.counterpart },
    { title: 'Đơn vị, người nhận bản lưu', width: 1.2, value: (e) => e.handler ?? '' },
    { title: 'Số lượng bản', width: 0.7, value: (e) => (e.copies === undefined ? '' : String(e.copies)) },
    { title: 'Hình thức', width: 0.9, value: (e) => MEDIUM_LABEL[e.medium] },
    { title: 'Ghi chú', width: 1.2, value: (e) => e.notes ?? '' },
  ],
  incoming: [
    { title: 'Ngày đến', width: 0.9, value: (e) => date(vietnamDate(e.recordedAt)) },
    { title: 'Số đến', width: 0.6, value: (e) => String(e.number) },
    { title: 'Tác giả', width: 2, value: (e) => e.counterpart },
    { title: 'Số, ký hiệu', width: 1.3, value: (e) => e.numberNotation },
    { title: 'Ngày tháng', width: 0.9, value: (e) => date(e.documentDate) },
    { title: 'Tên loại và trích yếu nội dung', width: 3.2, value: (e) => `${e.typeCode === 'CV' ? '' : `${e.typeCode}: `}${e.subject}` },
    { title: 'Đơn vị hoặc người nhận', width: 1.4, value: (e) => e.handler ?? '' },
    { title: 'Hình thức', width: 0.9, value: (e) => MEDIUM_LABEL[e.medium] },
    { title: 'Ghi chú', width: 1.1, value: (e) => e.notes ?? '' },
  ],
};

/** The register as a CSV file (the one CSV writer of @edoc/runtime). */
export function registerCsv(book: RegisterBook, entries: RegisterEntry[]): string {
  const columns = REGISTER_COLUMNS[book];
  return csvDocument(['Đơn vị', ...columns.map((c) => c.title)], entries.map((entry) => [entry.orgCode, ...columns.map((c) => c.value(entry))]));
}
