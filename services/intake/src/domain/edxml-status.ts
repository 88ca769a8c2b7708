import { type StatusCode, statusCodeText } from '@edoc/contracts';
import { emptyOrgan, type StatusMessage, writeStatusMessage } from '@edoc/edxml';

/** A document imported from the axis: its organ and edXML DocumentId ("OrganId,yyyy/MM/dd,Number/Notation"). */
export interface ImportedDocument {
  organId: string;
  edxmlDocumentId: string;
}

/** One status a recipient here reported, as the edXML Status message for the document's outside sender. */
export function statusMessageXml(imported: ImportedDocument, report: { recipientCode: string; recipientName: string; status: StatusCode; reason: string; occurredAt: Date }): string {
  const [, date = '', code = ''] = imported.edxmlDocumentId.split(',');
  const message: StatusMessage = {
    responseFor: { organId: imported.organId, code, promulgationDate: date.replaceAll('/', '-'), documentId: imported.edxmlDocumentId },
    from: emptyOrgan(report.recipientCode, report.recipientName),
    statusCode: statusCodeText(report.status) as StatusMessage['statusCode'],
    description: report.reason,
    timestamp: report.occurredAt,
    staff: { department: '', staff: '', mobile: '', email: '' },
  };
  return writeStatusMessage(message);
}
