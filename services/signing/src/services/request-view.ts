import { priorityText, timestampFromDate } from '@edoc/contracts';
import type { EventOutbox } from '@edoc/runtime';
import { isUrgent } from '@edoc/runtime';
import type { Tx } from '@edoc/db';
import type { Principal } from '@edoc/identity';
import type { ChosenPlacement } from '../domain/chosen-placement';
import type { Approval, JobState, SigningJob } from '../repositories/jobs.repository';
import type { SignatureWait } from './signature-wait';

/** Where the approval came from, for the evidence. */
export interface ApprovalClient {
  address: string;
  agent: string;
}

export interface SignatureRequestView {
  documentId: string;
  issuerCode: string;
  state: JobState;
  typeCode: string;
  subject: string;
  urgency: string;
  signer: { username: string; fullName: string; position: string };
  submittedBy: string | null;
  requestedAt: string;
  /** Waiting longer than allowed (a working day; an hour for KHẨN and above). */
  overdue: boolean;
  /** The draft and its attachments, fetched from intake's GET /files/{sha256}. */
  files: { role: 'document' | 'attachment'; fileName: string; sha256: string; size: number }[];
  revises: string | null;
  approval: Approval | null;
  returned: { by: string; comment: string; at: string } | null;
  failureReason: string | null;
}

export function requestView(job: SigningJob, wait: SignatureWait, now = new Date()): SignatureRequestView {
  const m = job.metadata;
  return {
    documentId: job.documentId,
    issuerCode: job.issuerCode,
    state: job.state,
    typeCode: m.typeCode,
    subject: m.subject,
    urgency: priorityText(m.priority),
    signer: { username: job.signerUsername, fullName: m.signer?.fullName ?? '', position: m.signer?.position ?? '' },
    submittedBy: job.submittedBy,
    requestedAt: job.requestedAt.toISOString(),
    overdue: job.state === 'awaiting_signature' && wait.isOverdue(m.priority, job.requestedAt, now),
    files: [
      { role: 'document' as const, fileName: job.mainFile.fileName, sha256: job.mainFile.sha256, size: Number(job.mainFile.size) },
      ...job.attachments.map((a) => ({ role: 'attachment' as const, fileName: a.fileName, sha256: a.sha256, size: Number(a.size) })),
    ],
    revises: m.revisesDocumentId || null,
    approval: job.approval,
    returned: job.returnedBy === null || job.returnedAt === null ? null : { by: job.returnedBy, comment: job.returnComment ?? '', at: job.returnedAt.toISOString() },
    failureReason: job.failureReason,
  };
}

/** The evidence of an approval: who, when, from which client, with which key and which second factor. */
export function approvalBy(principal: Principal, client: ApprovalClient, key: { holder: string; certificateSha256: string }, secondFactor: string, placement?: ChosenPlacement): Approval {
  return {
    ...(placement === undefined ? {} : { placement }),
    approvedBy: principal.username,
    approvedAt: new Date().toISOString(),
    clientAddress: client.address,
    clientAgent: client.agent,
    keyHolder: key.holder,
    certificateSha256: key.certificateSha256,
    secondFactor,
  };
}

/** Announces an approval (the audit chain's evidence, and signing's cue when it holds the key). */
export function emitApproval(events: EventOutbox, tx: Tx, job: SigningJob, approval: Approval): Promise<unknown> {
  return events.emit(
    tx,
    'signatureApproved',
    {
      documentId: job.documentId,
      issuerCode: job.issuerCode,
      approvedBy: approval.approvedBy,
      approvedAt: timestampFromDate(new Date(approval.approvedAt)),
      clientAddress: approval.clientAddress,
      clientAgent: approval.clientAgent,
      keyHolder: approval.keyHolder,
      certificateSha256: approval.certificateSha256,
      secondFactor: approval.secondFactor,
    },
    { urgent: isUrgent(job.metadata.priority) },
  );
}
