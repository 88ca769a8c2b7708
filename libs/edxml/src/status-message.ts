import { EDXML_NS } from './namespaces';
import { FieldReader, preview } from './field-reader';
import type { Organ, ResponseFor, StaffInfo } from './package-model';
import { decodeXmlText } from './xml-text';
import { edxmlDate, formatVietnamTime, isoDateOf, parseVietnamTime } from './vietnam-time';
import { EdxmlWriter, parseXml } from './xml-dom';
import { nfc, writeOrgan } from './write-package';
import { ORGAN_ID, readOrgan } from './read-package';

/** 01–06 by the receiver, 13 take-back request by the sender, 14/16 agree/refuse; 15 unconfirmed, accepted. */
export const EDXML_STATUS_CODES = ['01', '02', '03', '04', '05', '06', '13', '14', '15', '16'] as const;
export type EdxmlStatusCode = (typeof EDXML_STATUS_CODES)[number];

export interface StatusMessage {
  responseFor: ResponseFor;
  from: Organ;
  statusCode: EdxmlStatusCode;
  description: string;
  timestamp: Date;
  staff: StaffInfo;
}

const MAX_STATUS_BYTES = 64 * 1024;

/** Status → MessageStatus { ResponseFor, From, StatusCode, Description, Timestamp, StaffInfo } (EDXML.md). */
export function writeStatusMessage(m: StatusMessage): string {
  const w = new EdxmlWriter('Status');
  const status = w.add(w.root, 'MessageStatus');
  const response = w.add(status, 'ResponseFor');
  w.add(response, 'OrganId', m.responseFor.organId);
  w.add(response, 'Code', nfc(m.responseFor.code));
  w.add(response, 'PromulgationDate', edxmlDate(m.responseFor.promulgationDate));
  w.add(response, 'DocumentId', nfc(m.responseFor.documentId));
  writeOrgan(w, w.add(status, 'From'), m.from);
  w.add(status, 'StatusCode', m.statusCode);
  w.add(status, 'Description', nfc(m.description));
  w.add(status, 'Timestamp', formatVietnamTime(m.timestamp));
  const staff = w.add(status, 'StaffInfo');
  w.add(staff, 'Department', nfc(m.staff.department));
  w.add(staff, 'Staff', nfc(m.staff.staff));
  w.add(staff, 'Mobile', m.staff.mobile);
  w.add(staff, 'Email', m.staff.email);
  return w.toString();
}

export type StatusReadResult = { ok: true; message: StatusMessage } | { ok: false; reasons: string[] };

export function readStatusMessage(bytes: Buffer): StatusReadResult {
  if (bytes.length > MAX_STATUS_BYTES) return { ok: false, reasons: [`the status message is ${bytes.length} bytes, more than the limit of ${MAX_STATUS_BYTES}`] };
  const decoded = decodeXmlText(bytes);
  if ('reason' in decoded) return { ok: false, reasons: [decoded.reason] };
  const { doc, errors } = parseXml(decoded.text);
  if (doc === undefined) return { ok: false, reasons: errors.slice(0, 10).map((e) => `not well-formed XML: ${e}`) };
  const root = doc.documentElement;
  if (root === null || root.namespaceURI !== EDXML_NS || root.localName !== 'Status') {
    return { ok: false, reasons: [`the root element is {${root?.namespaceURI ?? ''}}${root?.localName ?? '(none)'}, not Status in the namespace ${EDXML_NS}`] };
  }
  const r = new FieldReader();
  const p = 'MessageStatus';
  const status = r.element(root, 'Status', p);
  const response = r.element(status, p, 'ResponseFor');
  const rp = `${p}/ResponseFor`;
  const responseFor: ResponseFor = {
    organId: r.text(response, rp, 'OrganId', { required: true, max: 13, pattern: ORGAN_ID, describe: 'an organ id (13 characters, ddd.dd.dd.Ldd)' }).trim(),
    code: r.text(response, rp, 'Code', { max: 100 }).trim(),
    promulgationDate: isoDateOf(r.text(response, rp, 'PromulgationDate', { max: 10 }).trim()) ?? '',
    documentId: r.text(response, rp, 'DocumentId', { required: true, max: 100 }).trim(),
  };
  const from = readOrgan(r, r.element(status, p, 'From'), `${p}/From`);
  const code = r.text(status, p, 'StatusCode', { required: true, max: 2 }).trim();
  if (code !== '' && !(EDXML_STATUS_CODES as readonly string[]).includes(code)) r.refuse(`${p}/StatusCode: "${preview(code)}" is not a status code (${EDXML_STATUS_CODES.join(', ')})`);
  const stamp = r.text(status, p, 'Timestamp', { required: true, max: 19 }).trim();
  const timestamp = parseVietnamTime(stamp);
  if (stamp !== '' && timestamp === undefined) r.refuse(`${p}/Timestamp: "${preview(stamp)}" is not a time (yyyy/MM/dd HH:mm:ss or dd/MM/yyyy HH:mm:ss)`);
  const description = r.text(status, p, 'Description', { max: 500 });
  if ((code === '02' || code === '16') && description.trim() === '') r.refuse(`${p}/Description: a refusal (${code}) carries its reason`);
  const staff = r.element(status, p, 'StaffInfo', false);
  const sp = `${p}/StaffInfo`;
  const message: StatusMessage = {
    responseFor,
    from,
    statusCode: code as EdxmlStatusCode,
    description,
    timestamp: timestamp ?? new Date(0),
    staff: { department: r.text(staff, sp, 'Department', { max: 250 }), staff: r.text(staff, sp, 'Staff', { max: 250 }), mobile: r.text(staff, sp, 'Mobile', { max: 50 }).trim(), email: r.text(staff, sp, 'Email', { max: 100 }).trim() },
  };
  return r.reasons.length > 0 ? { ok: false, reasons: r.reasons } : { ok: true, message };
}
