import { ConflictException, ForbiddenException, HttpException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { priorityText, printable, timestampFromDate } from '@edoc/contracts';
import { Database } from '@edoc/db';
import type { Principal } from '@edoc/identity';
import { EventOutbox, isUrgent } from '@edoc/runtime';
import { AccessRefusal, refuseActing, refuseReading } from '../domain/request-access';
import { CredentialsRepository, type KeyFacts, MissingCredentialError } from '../repositories/credentials.repository';
import { Approval, JobState, JobsRepository, SigningJob } from '../repositories/jobs.repository';
import { SecondFactorService } from './second-factor.service';
import { SignatureWait } from './signature-wait';

const MAX_COMMENT = 2000;
const LIST_LIMIT = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATES: readonly JobState[] = ['awaiting_signature', 'approved', 'returned', 'person_signed', 'issued', 'failed'];

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

function refuse(refusal: AccessRefusal): void {
  if (refusal === undefined) return;
  throw refusal.status === 404 ? new NotFoundException(refusal.reason) : new ForbiddenException(refusal.reason);
}

/**
 * The signer's act (Decree 30: the competent person signs). A submission waits here until the
 * signer named in it, signed in as that person, approves it, which records the evidence and has
 * the signature made, or returns it to the drafting clerk with a comment.
 */
@Injectable()
export class SignatureRequestsService {
  constructor(
    private readonly db: Database,
    private readonly jobs: JobsRepository,
    private readonly credentials: CredentialsRepository,
    private readonly events: EventOutbox,
    private readonly wait: SignatureWait,
    private readonly secondFactor: SecondFactorService,
  ) {}

  /** A signer sees the requests naming them; a clerk or administrator, the unit's. */
  async list(principal: Principal, stateFilter: string | undefined): Promise<SignatureRequestView[]> {
    const states = this.parseStates(stateFilter, principal);
    const jobs = principal.roles.includes('signer') && !principal.roles.includes('clerk') && !principal.roles.includes('admin')
      ? await this.jobs.forSigner(principal.username, states, LIST_LIMIT)
      : await this.jobs.forIssuer(principal.orgCode, states, LIST_LIMIT);
    // A signer of one unit never sees another's, whatever the query.
    return jobs.filter((job) => job.issuerCode === principal.orgCode).map((job) => this.view(job));
  }

  async get(principal: Principal, documentId: string): Promise<SignatureRequestView> {
    const job = await this.find(documentId);
    refuse(refuseReading(principal, job, documentId));
    return this.view(job);
  }

  /**
   * Records the signer's approval and announces it; signing applies the signature from its queue,
   * so an approval survives a restart or an unavailable HSM and is acted on exactly once. A key held
   * in the HSM (remote signing) is used only with the signer's second factor, as is any key of a
   * signer who enrolled one: a wrong code signs nothing and is counted.
   */
  async approve(principal: Principal, documentId: string, client: ApprovalClient, code?: unknown): Promise<SignatureRequestView> {
    // Who and what first, so that a wrong party never spends the signer's code attempts.
    const current = await this.find(documentId);
    refuse(refuseActing(principal, current, documentId));
    if (current.state !== 'awaiting_signature') throw this.notWaiting(documentId, current.state);
    const key = this.signerKey(current.signerUsername);
    const secondFactor = key.holder === 'hsm' || (await this.secondFactor.isRequiredFor(principal.username));
    if (secondFactor) await this.secondFactor.verify(principal.username, code);
    const job = await this.db.transaction(async (tx) => {
      const locked = await this.lockFor(tx, principal, documentId);
      const approval: Approval = {
        approvedBy: principal.username,
        approvedAt: new Date().toISOString(),
        clientAddress: client.address,
        clientAgent: client.agent,
        keyHolder: key.holder,
        certificateSha256: key.certificateSha256,
        secondFactor: secondFactor ? 'totp' : 'none',
      };
      await this.jobs.markApproved(tx, documentId, approval);
      await this.events.emit(
        tx,
        'signatureApproved',
        { documentId, issuerCode: locked.issuerCode, approvedBy: approval.approvedBy, approvedAt: timestampFromDate(new Date(approval.approvedAt)), clientAddress: approval.clientAddress, clientAgent: approval.clientAgent, keyHolder: approval.keyHolder, certificateSha256: approval.certificateSha256, secondFactor: approval.secondFactor },
        { urgent: isUrgent(locked.metadata.priority) },
      );
      return { ...locked, state: 'approved' as const, approval };
    });
    return this.view(job);
  }

  /** Sends the request back to the drafting clerk; the comment says what to change. */
  async return(principal: Principal, documentId: string, comment: unknown): Promise<SignatureRequestView> {
    const text = typeof comment === 'string' ? printable(comment).trim() : '';
    if (text === '') throw new UnprocessableEntityException(['comment: say what the drafting clerk should change (1 to 2000 characters)']);
    if (text.length > MAX_COMMENT) throw new UnprocessableEntityException([`comment: ${text.length} characters, at most ${MAX_COMMENT}`]);
    const job = await this.db.transaction(async (tx) => {
      const locked = await this.lockFor(tx, principal, documentId);
      const at = new Date();
      await this.jobs.markReturned(tx, documentId, principal.username, text, at);
      await this.events.emit(tx, 'signatureReturned', { documentId, issuerCode: locked.issuerCode, returnedBy: principal.username, comment: text, returnedAt: timestampFromDate(at) }, { urgent: isUrgent(locked.metadata.priority) });
      return { ...locked, state: 'returned' as const, returnedBy: principal.username, returnComment: text, returnedAt: at };
    });
    return this.view(job);
  }

  /** The request, locked, after the access rules and the state allow the signer to act on it. */
  private async lockFor(tx: Parameters<Parameters<Database['transaction']>[0]>[0], principal: Principal, documentId: string): Promise<SigningJob> {
    if (!UUID.test(documentId)) throw new NotFoundException(`"${documentId}" is not a document id`);
    const job = await this.jobs.lock(tx, documentId);
    if (job === undefined) throw new NotFoundException(`no signature request ${documentId} in ${principal.orgCode}`);
    refuse(refuseActing(principal, job, documentId));
    if (job.state !== 'awaiting_signature') throw this.notWaiting(documentId, job.state);
    return job;
  }

  private notWaiting(documentId: string, state: JobState): ConflictException {
    return new ConflictException(`request ${documentId} is ${state.replace('_', ' ')}, not awaiting signature`);
  }

  private signerKey(username: string): KeyFacts {
    try {
      return this.credentials.personFacts(username);
    } catch (error) {
      if (error instanceof MissingCredentialError) throw new ConflictException(`edoc holds no signing key for ${username}: ${error.message}`);
      throw error;
    }
  }

  private async find(documentId: string): Promise<SigningJob> {
    const job = UUID.test(documentId) ? await this.jobs.find(documentId) : undefined;
    if (job === undefined) throw new NotFoundException(`no signature request ${documentId}`);
    return job;
  }

  private parseStates(filter: string | undefined, principal: Principal): JobState[] {
    if (filter === undefined || filter === '') return principal.roles.includes('signer') ? ['awaiting_signature'] : [...STATES];
    if (filter === 'all') return [...STATES];
    const states = filter.split(',').map((s) => s.trim());
    const unknown = states.filter((s) => !STATES.includes(s as JobState));
    if (unknown.length > 0) throw new HttpException(`state: unknown ${unknown.slice(0, 3).join(', ')} (${STATES.join(', ')} or all)`, 400);
    return states as JobState[];
  }

  private view(job: SigningJob): SignatureRequestView {
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
      overdue: job.state === 'awaiting_signature' && this.wait.isOverdue(m.priority, job.requestedAt, new Date()),
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
}
