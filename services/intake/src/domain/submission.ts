import { BusinessType, canonicalTypeCode, Priority, SteeringType } from '@edoc/contracts';

export const MAX_SUBJECT_LENGTH = 500;

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
  const problems: string[] = [];

  const secrecy = slug(text(input.secrecy));
  if (SECRET_GRADES.includes(secrecy)) {
    problems.push(`secrecy: state-secret documents (${text(input.secrecy)}) are excluded from electronic exchange; send them by the secret channel`);
  } else if (secrecy !== '' && secrecy !== 'none' && secrecy !== 'khong') {
    problems.push(`secrecy: unknown grade "${text(input.secrecy)}" (expected none, MẬT, TỐI MẬT or TUYỆT MẬT)`);
  }

  const rawType = text(input.type) || 'CV';
  const typeCode = canonicalTypeCode(rawType);
  if (typeCode === undefined) problems.push(`type: unknown document type "${rawType}"`);

  const subject = text(input.subject);
  if (subject === '') problems.push('subject: required (trích yếu)');
  else if ([...subject].length > MAX_SUBJECT_LENGTH) {
    problems.push(`subject: ${[...subject].length} characters, at most ${MAX_SUBJECT_LENGTH} allowed`);
  }

  const entries = list(input.recipients);
  const { codes, unknown } = context.expandRecipients(entries);
  if (entries.length === 0) problems.push('recipients: at least one recipient organisation is required');
  if (unknown.length > 0) problems.push(`recipients: unknown organisation or group ${unknown.map((u) => `"${u}"`).join(', ')}`);
  const recipientCodes = codes.filter((code) => code !== context.senderCode);
  if (entries.length > 0 && unknown.length === 0 && recipientCodes.length === 0) {
    problems.push('recipients: a unit cannot send a document only to itself');
  }

  const urgencyText = slug(text(input.urgency) || 'normal');
  const priority = URGENCY[urgencyText];
  if (priority === undefined) problems.push(`urgency: unknown "${text(input.urgency)}" (normal, khẩn, thượng khẩn, hỏa tốc, hỏa tốc hẹn giờ)`);

  const dueDate = text(input.dueDate);
  if (dueDate !== '' && !isCalendarDate(dueDate)) problems.push(`dueDate: "${dueDate}" is not a date (yyyy-mm-dd)`);
  else if (dueDate !== '' && dueDate < context.today) problems.push(`dueDate: ${dueDate} is already past`);

  const signerUsername = text(input.signer);
  if (signerUsername === '') problems.push('signer: required (the username of the competent person who signs)');
  else if (!context.isSignerOf(signerUsername, context.senderCode)) {
    problems.push(`signer: "${signerUsername}" is not a signer of ${context.senderCode}`);
  }

  const steering = input.steeringType === undefined || input.steeringType === '' ? 0 : Number(input.steeringType);
  if (![0, 1, 2].includes(steering)) problems.push(`steeringType: must be 0, 1 or 2, got "${String(input.steeringType)}"`);

  const legal = input.legalNormative;
  const legalNormative = legal === true || legal === 'true' || legal === '1';
  if (legal !== undefined && legal !== '' && !legalNormative && legal !== false && legal !== 'false' && legal !== '0') {
    problems.push('legalNormative: must be true or false');
  }

  const businessText = slug(text(input.businessType) || 'new');
  const businessType = BUSINESS_TYPES[businessText];
  const replaces = text(input.replaces);
  if (businessType === undefined) problems.push(`businessType: unknown "${text(input.businessType)}" (new, update or replace)`);
  else if (businessType !== BusinessType.NEW_UNSPECIFIED && !/^[0-9a-f-]{36}$/i.test(replaces)) {
    problems.push(`replaces: an ${businessText} names the id of the issued document it ${businessText}s`);
  } else if (businessType === BusinessType.NEW_UNSPECIFIED && replaces !== '') {
    problems.push('replaces: only an update or a replacement names a document it replaces (set businessType)');
  }

  if (problems.length > 0 || typeCode === undefined || priority === undefined || businessType === undefined) return { ok: false, problems };
  return {
    ok: true,
    value: {
      typeCode,
      subject,
      recipientCodes,
      toPlaces: list(input.toPlaces),
      priority,
      dueDate,
      signerUsername,
      draftingUnit: text(input.draftingUnit),
      responseFor: text(input.responseFor),
      steeringType: steering as SteeringType,
      legalNormative,
      place: text(input.place),
      businessType,
      replaces,
    },
  };
}
