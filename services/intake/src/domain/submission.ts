import { BusinessType, canonicalTypeCode, firstOf, Priority, SteeringType } from '@edoc/contracts';
import { bounded, checkDraftingUnit, checkLength, oneLine, unprintableProblem } from './field-rules';

export const MAX_SUBJECT_LENGTH = 500;
/** Recipients of one submission, groups counted once: the whole district is a few dozen units. */
export const MAX_RECIPIENT_ENTRIES = 500;
const MAX_TO_PLACES = 50;
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** OrganId,yyyy/MM/dd,Number/Notation (QCVN 102:2016), e.g. 000.00.00.G22,2015/09/30,7816/VPCP-TTĐT. */
const EDXML_ID = /^[0-9A-Za-z.]{1,20},\d{4}\/\d{2}\/\d{2},\d+\/[^,\s]{1,60}$/u;

/** What a clerk sends with the PDF, as it arrives over HTTP (strings, possibly missing). */
export interface SubmissionInput {
  type?: unknown;
  subject?: unknown;
  recipients?: unknown;
  toPlaces?: unknown;
  urgency?: unknown;
  dueDate?: unknown;
  signer?: unknown;
  draftingUnit?: unknown;
  responseFor?: unknown;
  steeringType?: unknown;
  legalNormative?: unknown;
  secrecy?: unknown;
  place?: unknown;
  /** "update" or "replace" with `replaces`: the new document updates or replaces an issued one. */
  businessType?: unknown;
  replaces?: unknown;
  /** The id of a document the signer returned, of which this submission is the revision. */
  revises?: unknown;
}

/** A submission that passed every rule, with recipients expanded to organisation codes. */
export interface ValidSubmission {
  typeCode: string;
  subject: string;
  recipientCodes: string[];
  toPlaces: string[];
  priority: Priority;
  dueDate: string;
  signerUsername: string;
  draftingUnit: string;
  responseFor: string;
  steeringType: SteeringType;
  legalNormative: boolean;
  place: string;
  businessType: BusinessType;
  replaces: string;
  revises: string;
}

/** What the rules need to know about the world. */
export interface SubmissionContext {
  senderCode: string;
  expandRecipients(entries: string[]): { codes: string[]; unknown: string[] };
  isSignerOf(username: string, orgCode: string): boolean;
  today: string;
}

export type SubmissionResult = { ok: true; value: ValidSubmission } | { ok: false; problems: string[] };

const URGENCY: Readonly<Record<string, Priority>> = {
  normal: Priority.NORMAL_UNSPECIFIED,
  thuong: Priority.NORMAL_UNSPECIFIED,
  khan: Priority.URGENT,
  'thuong-khan': Priority.VERY_URGENT,
  'hoa-toc': Priority.FLASH,
  'hoa-toc-hen-gio': Priority.FLASH_TIMED,
};

const BUSINESS_TYPES: Readonly<Record<string, BusinessType>> = {
  new: BusinessType.NEW_UNSPECIFIED,
  update: BusinessType.UPDATE,
  replace: BusinessType.REPLACE,
};

/** The secrecy grades of state secrets (độ mật); none of them may travel through edoc. */
const SECRET_GRADES = ['mat', 'toi-mat', 'tuyet-mat'];

/** "THƯỢNG KHẨN" → "thuong-khan": Vietnamese labels and ASCII forms both work. */
export function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .trim()
    .toLowerCase()
    .replace(/[\s_.]+/g, '-');
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.normalize('NFC').trim() : '';
}

function list(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return items.map((item) => text(item)).filter((item) => item !== '');
}

function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** Checks a clerk's submission against Decree 30 and edoc's rules; every problem names its field. */
export function validateSubmission(input: SubmissionInput, context: SubmissionContext): SubmissionResult {
  // Nothing below is worth reading, nor any database worth asking, about text that is not text.
  const unprintable = unprintableProblem(input);
  if (unprintable !== undefined) return { ok: false, problems: [unprintable] };
  const problems: string[] = [];

  const secrecy = slug(text(input.secrecy));
  if (SECRET_GRADES.includes(secrecy)) {
    problems.push(`secrecy: state-secret documents (${firstOf([text(input.secrecy)], 1, (v) => v)}) are excluded from electronic exchange; send them by the secret channel`);
  } else if (secrecy !== '' && secrecy !== 'none' && secrecy !== 'khong') {
    problems.push(`secrecy: unknown grade ${firstOf([text(input.secrecy)], 1)} (expected none, MẬT, TỐI MẬT or TUYỆT MẬT)`);
  }

  const rawType = text(input.type) || 'CV';
  const typeCode = canonicalTypeCode(rawType);
  if (typeCode === undefined) problems.push(`type: unknown document type ${firstOf([rawType], 1)}`);

  const subject = oneLine(text(input.subject));
  if (subject === '') problems.push('subject: required (trích yếu)');
  else checkLength('subject', subject, MAX_SUBJECT_LENGTH, problems);

  const allEntries = list(input.recipients);
  if (allEntries.length > MAX_RECIPIENT_ENTRIES) problems.push(`recipients: ${allEntries.length} entries, at most ${MAX_RECIPIENT_ENTRIES} (use a group such as all-wards)`);
  const entries = allEntries.slice(0, MAX_RECIPIENT_ENTRIES);
  const { codes, unknown } = context.expandRecipients(entries);
  if (entries.length === 0) problems.push('recipients: at least one recipient organisation is required');
  if (unknown.length > 0) problems.push(`recipients: unknown organisation or group ${firstOf(unknown)}`);
  const recipientCodes = codes.filter((code) => code !== context.senderCode);
  if (entries.length > 0 && unknown.length === 0 && recipientCodes.length === 0) {
    problems.push('recipients: a unit cannot send a document only to itself');
  }

  const urgencyText = slug(text(input.urgency) || 'normal');
  const priority = URGENCY[urgencyText];
  if (priority === undefined) problems.push(`urgency: unknown ${firstOf([text(input.urgency)], 1)} (normal, khẩn, thượng khẩn, hỏa tốc, hỏa tốc hẹn giờ)`);

  const dueDate = text(input.dueDate);
  if (dueDate !== '' && !isCalendarDate(dueDate)) problems.push(`dueDate: ${firstOf([dueDate], 1)} is not a date (yyyy-mm-dd)`);
  else if (dueDate !== '' && dueDate < context.today) problems.push(`dueDate: ${dueDate} is already past`);

  const signerUsername = text(input.signer);
  if (signerUsername === '') problems.push('signer: required (the username of the competent person who signs)');
  else if (!USERNAME.test(signerUsername)) problems.push(`signer: ${firstOf([signerUsername], 1)} is not a username`);
  else if (!context.isSignerOf(signerUsername, context.senderCode)) {
    problems.push(`signer: ${firstOf([signerUsername], 1)} is not a signer of ${context.senderCode}`);
  }

  const steering = input.steeringType === undefined || input.steeringType === '' ? 0 : Number(input.steeringType);
  if (![0, 1, 2].includes(steering)) problems.push(`steeringType: must be 0, 1 or 2, got ${firstOf([String(input.steeringType)], 1)}`);

  const legal = input.legalNormative;
  const legalNormative = legal === true || legal === 'true' || legal === '1';
  if (legal !== undefined && legal !== '' && !legalNormative && legal !== false && legal !== 'false' && legal !== '0') {
    problems.push('legalNormative: must be true or false');
  }

  const businessText = slug(text(input.businessType) || 'new');
  const businessType = BUSINESS_TYPES[businessText];
  const replaces = text(input.replaces);
  if (businessType === undefined) problems.push(`businessType: unknown ${firstOf([text(input.businessType)], 1)} (new, update or replace)`);
  else if (businessType !== BusinessType.NEW_UNSPECIFIED && !/^[0-9a-f-]{36}$/i.test(replaces)) {
    problems.push(`replaces: an ${businessText} names the id of the issued document it ${businessText}s`);
  } else if (businessType === BusinessType.NEW_UNSPECIFIED && replaces !== '') {
    problems.push('replaces: only an update or a replacement names a document it replaces (set businessType)');
  }

  const revises = text(input.revises);
  if (revises !== '' && !/^[0-9a-f-]{36}$/i.test(revises)) problems.push(`revises: ${firstOf([revises], 1)} is not a document id (the id of the document its signer returned)`);

  const draftingUnit = text(input.draftingUnit);
  checkDraftingUnit(draftingUnit, problems);
  const responseFor = text(input.responseFor);
  if (responseFor !== '' && !EDXML_ID.test(responseFor)) problems.push(`responseFor: ${firstOf([responseFor], 1)} is not an edXML document id (OrganId,yyyy/MM/dd,Number/Notation)`);
  const place = oneLine(text(input.place));
  checkLength('place', place, 100, problems);
  const toPlaces = list(input.toPlaces).map(oneLine);
  if (toPlaces.length > MAX_TO_PLACES) problems.push(`toPlaces: ${toPlaces.length} places, at most ${MAX_TO_PLACES}`);
  toPlaces.slice(0, MAX_TO_PLACES).forEach((item, index) => checkLength(`toPlaces[${index}]`, item, 200, problems));

  if (problems.length > 0 || typeCode === undefined || priority === undefined || businessType === undefined) return { ok: false, problems: bounded(problems) };
  return {
    ok: true,
    value: {
      typeCode,
      subject,
      recipientCodes,
      toPlaces,
      priority,
      dueDate,
      signerUsername,
      draftingUnit,
      responseFor,
      steeringType: steering as SteeringType,
      legalNormative,
      place,
      businessType,
      replaces,
      revises: revises.toLowerCase(),
    },
  };
}
