import { HttpException, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { printable, timestampFromDate } from '@edoc/contracts';
import { Database } from '@edoc/db';
import type { Principal } from '@edoc/identity';
import { EventOutbox, isUrgent } from '@edoc/runtime';
import { JobState, JobsRepository } from '../repositories/jobs.repository';
import { RequestGate } from './request-gate.service';
import { ApprovalClient, approvalBy, emitApproval, requestView, SignatureRequestView } from './request-view';
import { SecondFactorService } from './second-factor.service';
import { SignatureWait } from './signature-wait';

const MAX_COMMENT = 2000;
const LIST_LIMIT = 200;
const STATES: readonly JobState[] = ['awaiting_signature', 'approved', 'returned', 'person_signed', 'issued', 'failed'];

/**
 * The signer's act (Decree 30: the competent person signs). A submission waits here until the
 * signer named in it, signed in as that person, approves it, which records the evidence and has
 * the signature made, or returns it to the drafting clerk with a comment. (Approving with the
 * signer's own token is TokenApprovalService.)
 */
@Injectable()
export class SignatureRequestsService {
  constructor(
    private readonly db: Database,
    private readonly jobs: JobsRepository,
    private readonly gate: RequestGate,
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
    return jobs.filter((job) => job.issuerCode === principal.orgCode).map((job) => requestView(job, this.wait));
  }

  async get(principal: Principal, documentId: string): Promise<SignatureRequestView> {
    return requestView(await this.gate.readable(principal, documentId), this.wait);
  }

  /**
   * Records the signer's approval and announces it; signing applies the signature from its queue,
   * so an approval survives a restart or an unavailable HSM and is acted on exactly once. A key held
   * in the HSM (remote signing) is used only with the signer's second factor, as is any key of a
   * signer who enrolled one: a wrong code signs nothing and is counted.
   */
  async approve(principal: Principal, documentId: string, client: ApprovalClient, code?: unknown, placementInput?: unknown): Promise<SignatureRequestView> {
    // Who and what first, so that a wrong party never spends the signer's code attempts.
    const current = await this.gate.actable(principal, documentId);
    const placement = await this.gate.chosenPlacement(current, placementInput);
    const key = this.gate.signerKey(current.signerUsername);
    const secondFactor = key.holder === 'hsm' || (await this.secondFactor.isRequiredFor(principal.username));
    if (secondFactor) await this.secondFactor.verify(principal.username, code);
    const job = await this.db.transaction(async (tx) => {
      const locked = await this.gate.lockActable(tx, principal, documentId);
      const approval = approvalBy(principal, client, key, secondFactor ? 'totp' : 'none', placement);
      await this.jobs.markApproved(tx, documentId, approval);
      await emitApproval(this.events, tx, locked, approval);
      return { ...locked, state: 'approved' as const, approval };
    });
    return requestView(job, this.wait);
  }

  /** Sends the request back to the drafting clerk; the comment says what to change. */
  async return(principal: Principal, documentId: string, comment: unknown): Promise<SignatureRequestView> {
    const text = typeof comment === 'string' ? printable(comment).trim() : '';
    if (text === '') throw new UnprocessableEntityException(['comment: say what the drafting clerk should change (1 to 2000 characters)']);
    if (text.length > MAX_COMMENT) throw new UnprocessableEntityException([`comment: ${text.length} characters, at most ${MAX_COMMENT}`]);
    const job = await this.db.transaction(async (tx) => {
      const locked = await this.gate.lockActable(tx, principal, documentId);
      const at = new Date();
      await this.jobs.markReturned(tx, documentId, principal.username, text, at);
      await this.events.emit(tx, 'signatureReturned', { documentId, issuerCode: locked.issuerCode, returnedBy: principal.username, comment: text, returnedAt: timestampFromDate(at) }, { urgent: isUrgent(locked.metadata.priority) });
      return { ...locked, state: 'returned' as const, returnedBy: principal.username, returnComment: text, returnedAt: at };
    });
    return requestView(job, this.wait);
  }

  private parseStates(filter: string | undefined, principal: Principal): JobState[] {
    if (filter === undefined || filter === '') return principal.roles.includes('signer') ? ['awaiting_signature'] : [...STATES];
    if (filter === 'all') return [...STATES];
    const states = filter.split(',').map((s) => s.trim());
    const unknown = states.filter((s) => !STATES.includes(s as JobState));
    if (unknown.length > 0) throw new HttpException(`state: unknown ${unknown.slice(0, 3).join(', ')} (${STATES.join(', ')} or all)`, 400);
    return states as JobState[];
  }
}
