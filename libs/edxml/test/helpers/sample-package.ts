import { X509Certificate, randomBytes } from 'node:crypto';
import { createIssuingCa, createRootCa, issueOrganisationCertificate, type IssuedCredential, type KeyAlgorithm } from '@edoc/pki';
import { emptyOrgan, type EdxmlPackage } from '../../src';

export interface TestPki {
  root: IssuedCredential;
  issuing: IssuedCredential;
  signer: IssuedCredential;
  /** The root a reader trusts, and the issuing CA that links the signer to it. */
  trusted: X509Certificate[];
  intermediates: X509Certificate[];
}

/** A root, an issuing CA and an organisation's RSA certificate, as the district PKI makes them. */
export function makeTestPki(commonName = 'edXML Test Root', keyAlgorithm: KeyAlgorithm = 'rsa-2048'): TestPki {
  const root = createRootCa({ commonName, keyAlgorithm });
  const issuing = createIssuingCa(root, { commonName: `${commonName} Issuing`, keyAlgorithm });
  const signer = issueOrganisationCertificate(issuing, { orgCode: '000.00.13.H26', orgName: 'UBND quận Hai Bà Trưng', keyAlgorithm });
  return { root, issuing, signer, trusted: [new X509Certificate(root.certificatePem)], intermediates: [new X509Certificate(issuing.certificatePem)] };
}

/**
 * A package with every field the model has, Vietnamese text written decomposed (NFD, as some
 * keyboards produce it) and the characters XML must escape.
 */
export function samplePackage(): EdxmlPackage {
  const from = { ...emptyOrgan('000.00.13.H26', 'UBND quận Hai Bà Trưng'), organizationInCharge: 'UBND thành phố Hà Nội', organAdd: '30 Lê Đại Hành', email: 'vanthu@haibatrung.hanoi.gov.vn', telephone: '024 3978 1234', fax: '024 3978 1235', website: 'https://haibatrung.hanoi.gov.vn' };
  return {
    header: {
      from,
      to: [emptyOrgan('000.31.13.H26', 'UBND phường Bạch Đằng'), emptyOrgan('000.32.13.H26', 'UBND phường Bách Khoa')],
      documentId: '000.00.13.H26,2026/12/03,125/QĐ-UBND',
      codeNumber: '125',
      codeNotation: 'QĐ-UBND',
      place: 'Hai Bà Trưng',
      promulgationDate: '2026-12-03',
      documentType: 2,
      documentTypeName: 'Quyết định',
      subject: 'Về việc phê duyệt kế hoạch <chuyển đổi số> & "một cửa" năm 2027 ]]>'.normalize('NFD'),
      content: 'Nội dung: a < b, c > d, e & f, \'g\''.normalize('NFD'),
      signerCompetence: 'TM. ỦY BAN NHÂN DÂN',
      signerPosition: 'CHỦ TỊCH',
      signerFullName: 'Nguyễn Văn An',
      dueDate: '2026-12-31',
      toPlaces: ['Như Điều 3;', 'Lưu: VT, VP.'],
      priority: 1,
      sphereOfPromulgation: 'Trong quận',
      typerNotation: 'VP',
      promulgationAmount: 20,
      pageAmount: 3,
      appendixes: ['Phụ lục I: Danh mục'],
      responseFor: [{ organId: '000.00.00.H26', code: '77/UBND-KT', promulgationDate: '2026-11-20', documentId: '000.00.00.H26,2026/11/20,77/UBND-KT' }],
      steeringType: 1,
    },
    traces: [{ organId: '000.00.13.H26', timestamp: new Date('2026-12-03T02:15:30Z') }],
    business: { docType: 0, reason: '', documentId: '', paper: false, staff: { department: 'Văn phòng', staff: 'Trần Thị Bình', mobile: '0912345678', email: 'binh@haibatrung.hanoi.gov.vn' } },
    attachments: [
      { contentId: 'document-1@edoc', name: 'QĐ 125.pdf', contentType: 'application/pdf', description: 'Văn bản chính', bytes: Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(4000)]) },
      { contentId: 'appendix-1@edoc', name: 'Phụ lục I.pdf', contentType: 'application/pdf', description: 'Phụ lục', bytes: randomBytes(1500) },
    ],
  };
}
