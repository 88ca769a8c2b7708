/** An organ (cơ quan) as the MessageHeader names it. Only OrganId and OrganName are required. */
export interface Organ {
  organId: string;
  organName: string;
  organizationInCharge: string;
  organAdd: string;
  email: string;
  telephone: string;
  fax: string;
  website: string;
}

/** The document a package answers (ResponseFor). */
export interface ResponseFor {
  organId: string;
  code: string;
  /** yyyy-MM-dd */
  promulgationDate: string;
  documentId: string;
}

export interface MessageHeader {
  from: Organ;
  to: Organ[];
  /** "OrganId,yyyy/MM/dd,Number/Notation" */
  documentId: string;
  codeNumber: string;
  codeNotation: string;
  place: string;
  /** yyyy-MM-dd (written yyyy/MM/dd) */
  promulgationDate: string;
  documentType: number;
  documentTypeName: string;
  subject: string;
  content: string;
  signerCompetence: string;
  signerPosition: string;
  signerFullName: string;
  /** yyyy-MM-dd, or '' when there is no reply deadline. */
  dueDate: string;
  toPlaces: string[];
  /** 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ. */
  priority: number;
  sphereOfPromulgation: string;
  typerNotation: string;
  promulgationAmount: number;
  pageAmount: number;
  appendixes: string[];
  responseFor: ResponseFor[];
  /** 0 not a directive, 1 directive, 2 report on a directive. */
  steeringType: number;
}

/** One organ the package passed through. */
export interface TraceHeader {
  organId: string;
  timestamp: Date;
}

export interface StaffInfo {
  department: string;
  staff: string;
  mobile: string;
  email: string;
}

/** 0 new, 1 recall, 2 update, 3 replace. */
export type BusinessDocType = 0 | 1 | 2 | 3;

export interface Business {
  docType: BusinessDocType;
  reason: string;
  /** The document recalled, updated or replaced. */
  documentId: string;
  paper: boolean;
  staff: StaffInfo;
  /** With replace: the document replaced and the organs whose copy it replaces. */
  replacement?: { documentId: string; organIds: string[] };
}

export interface Attachment {
  contentId: string;
  name: string;
  contentType: string;
  description: string;
  bytes: Buffer;
}

export interface EdxmlPackage {
  header: MessageHeader;
  traces: TraceHeader[];
  business: Business;
  attachments: Attachment[];
}

export const emptyOrgan = (organId: string, organName: string): Organ => ({ organId, organName, organizationInCharge: '', organAdd: '', email: '', telephone: '', fax: '', website: '' });
