import { vietnamDay } from './vietnam-time';
import type { RegisterFact } from '../repositories/facts.repository';
import { entryFields } from './entry-fields';
import { isDayText, isUuid } from './formats';

const BOOKS = ['outgoing', 'incoming'] as const;
const MEDIA = ['electronic', 'paper', 'both'] as const;

/**
 * One entry of intake's GET /registers/:book answer as a fact. Every field the figures depend on
 * is checked: a rebuild from bad data would replace good figures with wrong ones.
 */
export function entryToFact(value: unknown, line: number, years: { from: number; to: number }): RegisterFact {
  const { entry, fail, text } = entryFields(value, line);
  const entryId = text('entryId', true);
  if (!isUuid(entryId)) fail(`entryId "${entryId}" is not a UUID`);
  const orgCode = text('orgCode', true);
  const book = text('book', true) as RegisterFact['book'];
  if (!BOOKS.includes(book)) fail(`book "${book}" is not outgoing or incoming`);
  const medium = text('medium', true) as RegisterFact['medium'];
  if (!MEDIA.includes(medium)) fail(`medium "${medium}" is not electronic, paper or both`);
  const year = entry.year;
  if (typeof year !== 'number' || !Number.isInteger(year)) return fail('year is not a whole number');
  if (year < years.from || year > years.to) fail(`entry ${entryId} is of year ${year}, outside the years being rebuilt (${years.from}-${years.to})`);
  const number = entry.number;
  if (number !== undefined && number !== null && (typeof number !== 'number' || !Number.isInteger(number) || number < 0)) fail('number is not a whole number');
  const documentId = text('documentId', false);
  if (documentId !== '' && !isUuid(documentId)) fail(`documentId "${documentId}" is not a UUID`);
  const dueDate = text('dueDate', false);
  if (dueDate !== '' && !isDayText(dueDate)) fail(`dueDate "${dueDate}" is not yyyy-mm-dd`);
  const recordedText = text('recordedAt', true);
  const recordedAt = new Date(recordedText);
  if (Number.isNaN(recordedAt.getTime())) fail(`recordedAt "${recordedText}" is not a time`);
  const routine = entry.routine;
  if (routine !== undefined && typeof routine !== 'boolean') fail('routine is not true or false');
  return {
    entryId,
    orgCode,
    book,
    medium,
    // Registers hold routine correspondence only until exclusions exist (see RegisterEntryRecorded.routine).
    routine: typeof routine === 'boolean' ? routine : true,
    year,
    number: typeof number === 'number' ? number : null,
    documentId: documentId || null,
    typeCode: text('typeCode', false),
    subject: text('subject', false),
    counterpart: text('counterpart', false),
    dueDate: dueDate || null,
    recordedAt,
    localDate: vietnamDay(recordedAt),
  };
}
