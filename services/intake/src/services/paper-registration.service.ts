import { ConflictException, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { Medium as WireMedium, RegisterBook, timestampFromDate } from '@edoc/contracts';
import { Database, sqlState } from '@edoc/db';
import { Directory } from '@edoc/directory';
import type { Principal } from '@edoc/identity';
import { EventOutbox } from '@edoc/runtime';
import { canonicalTypeCode, firstOf } from '@edoc/contracts';
import { buildNotation, numberAndNotation } from '../domain/numbering';
import { MAX_SUBJECT_LENGTH, slug } from '../domain/submission';
import { bounded, checkDraftingUnit, checkLength } from '../domain/field-rules';
import { vietnamDate, vietnamYear } from '@edoc/contracts';
import { Medium, RegisterEntry, RegistersRepository } from '../repositories/registers.repository';

const WIRE_MEDIUM: Record<Medium, WireMedium> = { electronic: WireMedium.ELECTRONIC, paper: WireMedium.PAPER, both: WireMedium.BOTH };
const UNIQUE_VIOLATION = '23505';

export interface PaperOutgoingInput {
  type?: unknown;
  subject?: unknown;
  recipients?: unknown;
  signer?: unknown;
  draftingUnit?: unknown;
  medium?: unknown;
  copies?: unknown;
  legalNormative?: unknown;
  dueDate?: unknown;
  notes?: unknown;
  secrecy?: unknown;
}

export interface PaperIncomingInput {
  author?: unknown;
  numberNotation?: unknown;
  documentDate?: unknown;
  type?: unknown;
  subject?: unknown;
  handler?: unknown;
  dueDate?: unknown;
  medium?: unknown;
  notes?: unknown;
}

const text = (value: unknown): string => (typeof value === 'string' ? value.normalize('NFC').trim() : '');

function isDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}

/**
 * Paper documents enter the same books as electronic ones, with their medium recorded: the
 * outgoing series and the incoming arrival numbers are shared, which is what makes the
 * electronic share measurable.
 */
@Injectable()
export class PaperRegistrationService {
  constructor(
    private readonly db: Database,
    private readonly registers: RegistersRepository,
    private readonly directory: Directory,
    private readonly events: EventOutbox,
  ) {}

  async registerOutgoing(principal: Principal, input: PaperOutgoingInput): Promise<RegisterEntry> {
    const problems: string[] = [];
    const typeCode = canonicalTypeCode(text(input.type) || 'CV');
    if (typeCode === undefined) problems.push(`type: unknown document type ${firstOf([text(input.type)], 1)}`);
    const subject = this.subject(input.subject, problems);
    const recipients = text(Array.isArray(input.recipients) ? input.recipients.join(', ') : input.recipients);
    if (recipients === '') problems.push('recipients: required (nơi nhận)');
    const medium = this.medium(input.medium, problems);
    const dueDate = this.optionalDate('dueDate', input.dueDate, problems);
    const copies = input.copies === undefined || input.copies === '' ? undefined : Number(input.copies);
    if (copies !== undefined && (!Number.isInteger(copies) || copies < 1)) problems.push('copies: must be a whole number of at least 1');
    if (['mat', 'toi-mat', 'tuyet-mat'].includes(slug(text(input.secrecy)))) problems.push('secrecy: state-secret documents are registered in the secret books, not here');
    checkDraftingUnit(text(input.draftingUnit), problems);
    checkLength('recipients', recipients, 2000, problems);
    checkLength('signer', text(input.signer), 200, problems);
    checkLength('notes', text(input.notes), 2000, problems);
    if (problems.length > 0 || typeCode === undefined) throw new UnprocessableEntityException(bounded(problems));

    const org = this.directory.require(principal.orgCode);
    const legal = input.legalNormative === true || input.legalNormative === 'true';
    const notation = buildNotation(typeCode, org.abbreviation, text(input.draftingUnit));
    const now = new Date();
    return this.inTransaction(`the outgoing register of ${org.code} already holds this number and notation`, async (tx) => {
      const year = vietnamYear(now);
      const series = legal ? 'legal' : 'normal';
      const number = await this.registers.takeNextNumber(tx, org.code, 'outgoing', year, series);
      const entry = await this.registers.insert(tx, {
        orgCode: org.code, book: 'outgoing', year, series, number, medium,
        numberNotation: numberAndNotation(number, notation), documentDate: vietnamDate(now), typeCode, subject,
        counterpart: recipients, signer: text(input.signer), dueDate, copies, notes: text(input.notes), recordedAt: now,
      });
      await this.announce(tx, entry);
      return entry;
    });
  }

  async registerIncoming(principal: Principal, input: PaperIncomingInput): Promise<RegisterEntry> {
    const problems: string[] = [];
    const author = text(input.author);
    if (author === '') problems.push('author: required (the organisation that issued the document)');
    const numberNotation = text(input.numberNotation);
    if (numberNotation === '') problems.push('numberNotation: required (e.g. 12/UBND-VP)');
    const documentDate = this.optionalDate('documentDate', input.documentDate, problems);
    const typeCode = canonicalTypeCode(text(input.type) || 'CV');
    if (typeCode === undefined) problems.push(`type: unknown document type ${firstOf([text(input.type)], 1)}`);
    const subject = this.subject(input.subject, problems);
    const medium = this.medium(input.medium, problems);
    const dueDate = this.optionalDate('dueDate', input.dueDate, problems);
    checkLength('author', author, 300, problems);
    checkLength('numberNotation', numberNotation, 80, problems);
    checkLength('handler', text(input.handler), 200, problems);
    checkLength('notes', text(input.notes), 2000, problems);
    if (problems.length > 0 || typeCode === undefined) throw new UnprocessableEntityException(bounded(problems));

    const now = new Date();
    return this.inTransaction('this paper document is already registered', async (tx) => {
      const year = vietnamYear(now);
      const number = await this.registers.takeNextNumber(tx, principal.orgCode, 'incoming', year, 'normal');
      const authorOrg = this.directory.get(author);
      const entry = await this.registers.insert(tx, {
        orgCode: principal.orgCode, book: 'incoming', year, series: 'normal', number, medium, numberNotation, documentDate, typeCode, subject,
        counterpart: authorOrg === undefined ? author : `${authorOrg.code} ${authorOrg.name}`, handler: text(input.handler), dueDate, notes: text(input.notes), recordedAt: now,
      });
      await this.announce(tx, entry);
      return entry;
    });
  }

  private async inTransaction(duplicate: string, work: Parameters<Database['transaction']>[0]): Promise<RegisterEntry> {
    try {
      return (await this.db.transaction(work)) as RegisterEntry;
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) throw new ConflictException(duplicate);
      throw error;
    }
  }

  private announce(tx: Parameters<Parameters<Database['transaction']>[0]>[0], entry: RegisterEntry): Promise<string> {
    return this.events.emit(tx, 'registerEntryRecorded', {
      entryId: entry.entryId,
      orgCode: entry.orgCode,
      book: entry.book === 'outgoing' ? RegisterBook.OUTGOING : RegisterBook.INCOMING,
      year: entry.year,
      number: entry.number,
      medium: WIRE_MEDIUM[entry.medium],
      typeCode: entry.typeCode,
      subject: entry.subject,
      counterpartCode: entry.counterpart,
      dueDate: entry.dueDate ?? '',
      routine: true,
      recordedAt: timestampFromDate(entry.recordedAt),
    });
  }

  private subject(value: unknown, problems: string[]): string {
    const subject = text(value);
    if (subject === '') problems.push('subject: required (trích yếu)');
    else if ([...subject].length > MAX_SUBJECT_LENGTH) problems.push(`subject: ${[...subject].length} characters, at most ${MAX_SUBJECT_LENGTH} allowed`);
    return subject;
  }

  private medium(value: unknown, problems: string[]): Medium {
    const medium = text(value) || 'paper';
    if (medium !== 'paper' && medium !== 'both') {
      problems.push(`medium: "${medium}" — registered here are paper documents ("paper", or "both" for paper with an electronic copy); electronic ones are registered by the exchange itself`);
      return 'paper';
    }
    return medium;
  }

  private optionalDate(name: string, value: unknown, problems: string[]): string | undefined {
    const date = text(value);
    if (date === '') return undefined;
    if (!isDate(date)) {
      problems.push(`${name}: "${date}" is not a date (yyyy-mm-dd)`);
      return undefined;
    }
    return date;
  }
}

