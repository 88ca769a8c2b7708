export { EDXML_NS, XLINK_NS, DSIG_NS } from './namespaces';
export type { EdxmlPackage, MessageHeader, Organ, ResponseFor, TraceHeader, Business, BusinessDocType, StaffInfo, Attachment } from './package-model';
export { emptyOrgan } from './package-model';
export { writePackage } from './write-package';
export { signPackage } from './xml-signature';
export { readPackage, type ReadOptions, type ReadResult, DEFAULT_MAX_PACKAGE_BYTES, ORGAN_ID } from './read-package';
export { writeStatusMessage, readStatusMessage, type StatusMessage, type StatusReadResult, type EdxmlStatusCode, EDXML_STATUS_CODES } from './status-message';
export { formatVietnamTime, parseVietnamTime } from './vietnam-time';
export { edxmlDocumentType, typeCodeOfEdxml } from './document-types';
