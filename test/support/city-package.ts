import { emptyOrgan, type EdxmlPackage } from '@edoc/edxml';

/** The city (UBND thành phố Hà Nội): an organ outside the district's exchange, on the national axis. */
export const CITY = '000.00.00.H26';

/** A công văn of the city as its own system would send it through the axis, unsigned. */
export function cityPackage(o: { number: number; subject: string; to: readonly string[]; document: Buffer; promulgated?: string }): EdxmlPackage {
  const date = o.promulgated ?? '2026/12/01';
  return {
    header: {
      from: { ...emptyOrgan(CITY, 'UBND thành phố Hà Nội'), email: 'vanthu@hanoi.gov.vn' },
      to: o.to.map((code) => emptyOrgan(code, `Đơn vị ${code}`)),
      documentId: `${CITY},${date},${o.number}/UBND-KGVX`,
      codeNumber: String(o.number),
      codeNotation: 'UBND-KGVX',
      place: 'Hà Nội',
      promulgationDate: date.replaceAll('/', '-'),
      documentType: 18,
      documentTypeName: 'Công văn',
      subject: o.subject,
      content: '',
      signerCompetence: 'KT. CHỦ TỊCH',
      signerPosition: 'PHÓ CHỦ TỊCH',
      signerFullName: 'Lê Thị Hoa',
      dueDate: '2099-12-20',
      toPlaces: ['Như trên;', 'Lưu: VT, KGVX.'],
      priority: 2,
      sphereOfPromulgation: '',
      typerNotation: 'KGVX',
      promulgationAmount: 0,
      pageAmount: 1,
      appendixes: [],
      responseFor: [],
      steeringType: 1,
    },
    traces: [{ organId: CITY, timestamp: new Date(`${date.replaceAll('/', '-')}T02:00:00Z`) }],
    business: { docType: 0, reason: '', documentId: '', paper: false, staff: { department: 'Văn phòng', staff: 'Phạm Văn Dũng', mobile: '', email: '' } },
    attachments: [{ contentId: `main-${o.number}@hanoi`, name: `CV ${o.number}.pdf`, contentType: 'application/pdf', description: 'Văn bản', bytes: o.document }],
  };
}
