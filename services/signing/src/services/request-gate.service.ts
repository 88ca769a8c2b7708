import { ConflictException, ForbiddenException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import type { Queryable } from '@edoc/db';
import type { Principal } from '@edoc/identity';
import { type ChosenPlacement, parsePlacement } from '../domain/chosen-placement';
import { AccessRefusal, refuseActing, refuseReading } from '../domain/request-access';
import { CredentialsRepository, type KeyFacts, MissingCredentialError } from '../repositories/credentials.repository';
import { JobState, JobsRepository, SigningJob } from '../repositories/jobs.repository';
import { PdfFilesRepository } from '../repositories/pdf-files.repository';
import { SignatureLayoutService } from './signature-layout.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function refuse(refusal: AccessRefusal): void {
  if (refusal === undefined) return;
  throw refusal.status === 404 ? new NotFoundException(refusal.reason) : new ForbiddenException(refusal.reason);
}

/** Who may see a request and who may act on it, and in which state: the same rules for every way of signing. */
@Injectable()
export class RequestGate {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly credentials: CredentialsRepository,
    private readonly layout: SignatureLayoutService,
    private readonly pdfs: PdfFilesRepository,
  ) {}

  async readable(principal: Principal, documentId: string): Promise<SigningJob> {
    const job = await this.find(documentId);
    refuse(refuseReading(principal, job, documentId));
    return job;
  }

  /** The request, if the principal is its signer and it still waits; checked before any costly or counted step. */
  async actable(principal: Principal, documentId: string): Promise<SigningJob> {
    const job = await this.find(documentId);
    refuse(refuseActing(principal, job, documentId));
    if (job.state !== 'awaiting_signature') throw this.notWaiting(documentId, job.state);
    return job;
  }

  /** The same, locked for the transaction that acts on it. */
  async lockActable(tx: Queryable, principal: Principal, documentId: string): Promise<SigningJob> {
    if (!UUID.test(documentId)) throw new NotFoundException(`"${documentId}" is not a document id`);
    const job = await this.jobs.lock(tx, documentId);
    if (job === undefined) throw new NotFoundException(`no signature request ${documentId} in ${principal.orgCode}`);
    refuse(refuseActing(principal, job, documentId));
    if (job.state !== 'awaiting_signature') throw this.notWaiting(documentId, job.state);
    return job;
  }

  /** The place the signer chose for the signature, checked on the draft (422 with the reasons), or none. */
  async chosenPlacement(job: SigningJob, input: unknown): Promise<ChosenPlacement | undefined> {
    const { placement, problems } = parsePlacement(input);
    if (problems.length > 0) throw new UnprocessableEntityException(problems);
    if (placement === undefined) return undefined;
    const onPage = await this.pdfs.withLocalCopy(job.mainFile, (path) => this.layout.chosenPlacementProblems(path, placement));
    if (onPage.length > 0) throw new UnprocessableEntityException(onPage);
    return placement;
  }

  signerKey(username: string): KeyFacts {
    return this.known(() => this.credentials.personFacts(username), username);
  }

  signerCertificate(username: string): ReturnType<CredentialsRepository['personCertificate']> {
    return this.known(() => this.credentials.personCertificate(username), username);
  }

  private known<T>(load: () => T, username: string): T {
    try {
      return load();
    } catch (error) {
      if (error instanceof MissingCredentialError) throw new ConflictException(`edoc holds no signing key for ${username}: ${error.message}`);
      throw error;
    }
  }

  private notWaiting(documentId: string, state: JobState): ConflictException {
    return new ConflictException(`request ${documentId} is ${state.replace('_', ' ')}, not awaiting signature`);
  }

  private async find(documentId: string): Promise<SigningJob> {
    const job = UUID.test(documentId) ? await this.jobs.find(documentId) : undefined;
    if (job === undefined) throw new NotFoundException(`no signature request ${documentId}`);
    return job;
  }
}
