import { create, DOCUMENT_TYPES, type DocumentMetadata, DocumentMetadataSchema, documentTypeName } from '@edoc/contracts';
import type { Organisation } from '@edoc/directory';
import { edxmlDocumentType, typeCodeOfEdxml } from './document-types';
import { type Attachment, type BusinessDocType, type EdxmlPackage, emptyOrgan, type Organ, type ResponseFor } from './package-model';

export interface ExportInput {
  metadata: DocumentMetadata;
  issuedAt: Date;
  /** Directory entries by code; a code missing from it is named by its code. */
  organisation: (code: string) => Organisation | undefined;
  /** edXML id of the document a recall, update or replacement concerns ('' for a new one). */
  concernsDocumentId: string;
  files: { role: 'document' | 'attachment'; fileName: string; mediaType: string; bytes: Buffer }[];
  staff: { department: string; name: string };
  /** Bussiness/BussinessDocInfo reason: why a recall, update or replacement is sent. */
  reason?: string;
}

/** An issued document as an edXML package (unsigned): every field of its metadata that edXML has. */
export function edxmlPackageOf(input: ExportInput): EdxmlPackage {
  const m = input.metadata;
  const organ = (code: string): Organ => {
    const org = input.organisation(code);
    const parent = org?.parentCode === undefined ? undefined : input.organisation(org.parentCode);
    return { ...emptyOrgan(code, org?.name ?? code), organizationInCharge: parent?.name ?? '' };
  };
  const recipients = m.recipientCodes.map(organ);
  return {
    header: {
      from: organ(m.issuerCode),
      to: recipients,
      documentId: m.edxmlDocumentId,
      // Two digits at least, as the register writes it (05/QĐ-UBND).
      codeNumber: String(m.number).padStart(2, '0'),
      codeNotation: m.notation,
      place: m.place,
      promulgationDate: m.issuedDate,
      documentType: edxmlDocumentType(m.typeCode),
      documentTypeName: documentTypeName(m.typeCode),
      subject: m.subject,
      content: '',
      signerCompetence: m.signer?.competence ?? '',
      signerPosition: m.signer?.position ?? '',
      signerFullName: m.signer?.fullName ?? '',
      dueDate: m.dueDate,
      // The recipients are To; ToPlaces keeps the rest of the "Nơi nhận" list, so that it reads back as it was.
      toPlaces: m.toPlaces,
      priority: m.priority,
      sphereOfPromulgation: '',
      typerNotation: m.draftingUnit,
      promulgationAmount: 0,
      pageAmount: 0,
      appendixes: input.files.filter((f) => f.role === 'attachment').map((f) => f.fileName),
      responseFor: m.responseFor === '' ? [] : [responseForOf(m.responseFor)],
      steeringType: m.steeringType,
    },
    traces: [{ organId: m.issuerCode, timestamp: input.issuedAt }],
    business: {
      docType: m.businessType as BusinessDocType,
      reason: input.reason ?? '',
      documentId: input.concernsDocumentId,
      paper: false,
      staff: { department: input.staff.department, staff: input.staff.name, mobile: '', email: '' },
      ...(m.businessType === 3 ? { replacement: { documentId: input.concernsDocumentId, organIds: m.recipientCodes } } : {}),
    },
    attachments: input.files.map(
      (f, i): Attachment => ({ contentId: `${f.role}-${i + 1}@${m.documentId}`, name: f.fileName, contentType: f.mediaType || 'application/octet-stream', description: f.role === 'document' ? 'Văn bản chính' : 'Phụ lục', bytes: f.bytes }),
    ),
  };
}

/** "OrganId,yyyy/MM/dd,Number/Notation" → ResponseFor. */
function responseForOf(documentId: string): ResponseFor {
  const [organId = '', date = '', code = ''] = documentId.split(',');
  return { organId, code, promulgationDate: date.replaceAll('/', '-'), documentId };
}

/**
 * The metadata of a document registered from a package of the axis: its issuer the outside organ,
 * its recipients the units of this exchange the package addresses.
 */
export function importedMetadataOf(pkg: EdxmlPackage, documentId: string, localRecipients: string[], replacesDocumentId = ''): DocumentMetadata {
  const h = pkg.header;
  return create(DocumentMetadataSchema, {
    documentId,
    issuerCode: h.from.organId,
    typeCode: typeCodeOfEdxml(h.documentType) ?? Object.keys(DOCUMENT_TYPES).find((code) => DOCUMENT_TYPES[code] === h.documentTypeName) ?? h.documentTypeName,
    subject: h.subject,
    number: Number(h.codeNumber),
    notation: h.codeNotation,
    issuedDate: h.promulgationDate,
    place: h.place,
    signer: { competence: h.signerCompetence, position: h.signerPosition, fullName: h.signerFullName },
    priority: h.priority,
    dueDate: h.dueDate,
    recipientCodes: localRecipients,
    toPlaces: h.toPlaces,
    responseFor: h.responseFor[0]?.documentId ?? '',
    steeringType: h.steeringType,
    edxmlDocumentId: h.documentId,
    draftingUnit: h.typerNotation,
    businessType: pkg.business.docType,
    // An update or replacement names edoc's id of the document imported earlier that it concerns.
    replacesDocumentId,
  });
}
