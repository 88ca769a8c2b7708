import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { Directory } from '@edoc/directory';
import { assertSameOrganisation, Principal } from '@edoc/identity';
import { vietnamYear } from '@edoc/contracts';
import { registerCsv } from '../domain/register-columns';
import { vietnamDate } from '@edoc/contracts';
import { FollowUpRow, Medium, RegisterBook, RegisterEntry, RegistersRepository } from '../repositories/registers.repository';
import { RegisterPrintService } from './register-print.service';

export interface RegisterQuery {
  book: string;
  year?: string;
  org?: string;
  medium?: string;
}

const BOOKS: readonly RegisterBook[] = ['outgoing', 'incoming'];
const MEDIA: readonly Medium[] = ['electronic', 'paper', 'both'];

/** Reading the registers: a clerk reads its own unit's books, an administrator any unit's or all of them. */
@Injectable()
export class RegisterViewService {
  constructor(
    private readonly registers: RegistersRepository,
    private readonly directory: Directory,
    private readonly printer: RegisterPrintService,
  ) {}

  async csv(principal: Principal, query: RegisterQuery): Promise<{ fileName: string; content: string }> {
    const { book, year, org, entries } = await this.list(principal, query);
    return { fileName: `${book}-${org ?? 'all'}-${year}.csv`, content: registerCsv(book, entries) };
  }

  /** A printable PDF of one unit's book, once the year is over and the book closed. */
  async print(principal: Principal, query: RegisterQuery): Promise<{ fileName: string; content: Buffer }> {
    const org = query.org ?? principal.orgCode;
    const { book, year, entries } = await this.list(principal, { ...query, org });
    if (year >= vietnamYear(new Date())) throw new ConflictException(`the ${book} register of ${year} is still open: a book is printed once its year is over`);
    const content = await this.printer.print(book, this.directory.require(org).name, year, entries);
    return { fileName: `${book}-${org}-${year}.pdf`, content };
  }

  async followUp(principal: Principal, query: { year?: string; org?: string }): Promise<{ year: number; org: string; entries: (Omit<FollowUpRow, 'status'> & { status: string | null; overdue: boolean })[] }> {
    const org = query.org ?? principal.orgCode;
    const year = this.year(query.year);
    if (!this.directory.has(org)) throw new BadRequestException(`org: unknown organisation "${org}"`);
    assertSameOrganisation(principal, org, 'read the follow-up register', { allowAdmin: true });
    const today = vietnamDate(new Date());
    const rows = await this.registers.followUp(org, year);
    return {
      year,
      org,
      entries: rows.map((row) => ({
        ...row,
        status: row.status === null ? null : String(row.status).padStart(2, '0'),
        overdue: row.dueDate < today && row.status !== 6 && row.reply === null,
      })),
    };
  }

  private year(text: string | undefined): number {
    const year = text === undefined ? vietnamYear(new Date()) : Number(text);
    if (!Number.isInteger(year) || year < 1990 || year > 9999) throw new BadRequestException(`year: "${text}" is not a year`);
    return year;
  }

  async list(principal: Principal, query: RegisterQuery): Promise<{ book: RegisterBook; year: number; org: string | null; entries: RegisterEntry[] }> {
    const book = query.book as RegisterBook;
    if (!BOOKS.includes(book)) throw new BadRequestException(`book: "${query.book}" is not a register (outgoing or incoming)`);
    const year = this.year(query.year);
    const medium = query.medium as Medium | undefined;
    if (medium !== undefined && !MEDIA.includes(medium)) throw new BadRequestException(`medium: "${query.medium}" is not electronic, paper or both`);
    const isAdmin = principal.roles.includes('admin');
    const org = query.org ?? (isAdmin ? undefined : principal.orgCode);
    if (org !== undefined) {
      if (!this.directory.has(org)) throw new BadRequestException(`org: unknown organisation "${org}"`);
      assertSameOrganisation(principal, org, `read the ${book} register`, { allowAdmin: true });
    }
    return { book, year, org: org ?? null, entries: await this.registers.list({ orgCode: org, book, year, medium }) };
  }
}
