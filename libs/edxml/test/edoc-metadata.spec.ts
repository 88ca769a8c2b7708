import { create, DocumentMetadataSchema } from '@edoc/contracts';
import type { Organisation } from '@edoc/directory';
import { edxmlPackageOf } from '../src/edoc-metadata';

const DISTRICT: Organisation = { code: '000.00.13.H26', name: 'Ủy ban nhân dân quận Hai Bà Trưng', abbreviation: 'UBND', kind: 'peoples-committee', channel: 'builtin', placeName: 'Hai Bà Trưng' };
const WARD: Organisation = { code: '000.31.13.H26', name: 'Ủy ban nhân dân phường Bạch Đằng', abbreviation: 'UBND', kind: 'ward', parentCode: DISTRICT.code, channel: 'builtin', placeName: 'Bạch Đằng' };
const directory = new Map([DISTRICT, WARD].map((o) => [o.code, o]));

function metadata(overrides: Record<string, unknown> = {}) {
  return create(DocumentMetadataSchema, {
    documentId: '6f1c2a4e-2d1b-4c55-9a43-1f6b8f0c1d2e',
    issuerCode: DISTRICT.code,
    typeCode: 'CV',
    subject: 'Về việc rà soát hồ sơ',
    number: 7,
    notation: 'UBND-VP',
    issuedDate: '2026-12-04',
    place: 'Hai Bà Trưng',
    signer: { competence: 'TM.', position: 'CHỦ TỊCH', fullName: 'Nguyễn Văn An' },
    priority: 2,
    dueDate: '',
    recipientCodes: [WARD.code, '000.99.13.H26'],
    toPlaces: ['Lưu: VT'],
    responseFor: '000.00.00.H26,2026/11/20,77/UBND-KT',
    steeringType: 2,
    edxmlDocumentId: '000.00.13.H26,2026/12/04,07/UBND-VP',
    draftingUnit: 'VP',
    ...overrides,
  });
}

const input = (m = metadata(), concernsDocumentId = '') => ({
  metadata: m,
  issuedAt: new Date('2026-12-04T03:00:00Z'),
  organisation: (code: string) => directory.get(code),
  concernsDocumentId,
  files: [
    { role: 'document' as const, fileName: 'CV 07.pdf', mediaType: 'application/pdf', bytes: Buffer.from('%PDF-main') },
    { role: 'attachment' as const, fileName: 'Phụ lục.pdf', mediaType: '', bytes: Buffer.from('%PDF-annex') },
  ],
  staff: { department: 'Văn phòng', name: 'Trần Thị Bình' },
});

describe('an issued document as an edXML package', () => {
  it('carries every metadata field edXML has', () => {
    const pkg = edxmlPackageOf(input());
    expect(pkg.header).toMatchObject({
      from: { organId: DISTRICT.code, organName: DISTRICT.name, organizationInCharge: '' },
      to: [{ organId: WARD.code, organName: WARD.name, organizationInCharge: DISTRICT.name }, { organId: '000.99.13.H26', organName: '000.99.13.H26' }],
      documentId: '000.00.13.H26,2026/12/04,07/UBND-VP',
      codeNumber: '07',
      codeNotation: 'UBND-VP',
      place: 'Hai Bà Trưng',
      promulgationDate: '2026-12-04',
      documentType: 18,
      documentTypeName: 'Công văn',
      signerCompetence: 'TM.',
      signerPosition: 'CHỦ TỊCH',
      signerFullName: 'Nguyễn Văn An',
      toPlaces: ['Lưu: VT'],
      priority: 2,
      typerNotation: 'VP',
      appendixes: ['Phụ lục.pdf'],
      responseFor: [{ organId: '000.00.00.H26', code: '77/UBND-KT', promulgationDate: '2026-11-20', documentId: '000.00.00.H26,2026/11/20,77/UBND-KT' }],
      steeringType: 2,
    });
    expect(pkg.traces).toEqual([{ organId: DISTRICT.code, timestamp: new Date('2026-12-04T03:00:00Z') }]);
    expect(pkg.business).toEqual({ docType: 0, reason: '', documentId: '', paper: false, staff: { department: 'Văn phòng', staff: 'Trần Thị Bình', mobile: '', email: '' } });
    expect(pkg.attachments.map((a) => [a.contentId, a.name, a.contentType, a.bytes.toString()])).toEqual([
      ['document-1@6f1c2a4e-2d1b-4c55-9a43-1f6b8f0c1d2e', 'CV 07.pdf', 'application/pdf', '%PDF-main'],
      ['attachment-2@6f1c2a4e-2d1b-4c55-9a43-1f6b8f0c1d2e', 'Phụ lục.pdf', 'application/octet-stream', '%PDF-annex'],
    ]);
  });

  it('names the document a replacement replaces, and the organs whose copy it replaces', () => {
    const pkg = edxmlPackageOf(input(metadata({ businessType: 3, responseFor: '' }), '000.00.13.H26,2026/12/01,05/UBND-VP'));
    expect(pkg.business).toMatchObject({ docType: 3, documentId: '000.00.13.H26,2026/12/01,05/UBND-VP', replacement: { documentId: '000.00.13.H26,2026/12/01,05/UBND-VP', organIds: [WARD.code, '000.99.13.H26'] } });
    expect(pkg.header.responseFor).toEqual([]);
  });
});
