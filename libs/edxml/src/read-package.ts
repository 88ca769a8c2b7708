import type { XmlElement } from './dom-types';
import type { X509Certificate } from 'node:crypto';
import { EDXML_NS, XLINK_NS } from './namespaces';
import { FieldReader, preview } from './field-reader';
import type { Attachment, Business, BusinessDocType, EdxmlPackage, MessageHeader, Organ, ResponseFor, TraceHeader } from './package-model';
import { decodeXmlText } from './xml-text';
import { isoDateOf, parseVietnamTime } from './vietnam-time';
import { checkPackageSignature, type SignatureTrust } from './xml-signature';
import { elementChildren, parseXml } from './xml-dom';

/** Mã định danh of an organ: 13 characters, "ddd.dd.dd.Ldd". */
export const ORGAN_ID = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;
/** "OrganId,yyyy/MM/dd,Number/Notation" */
const DOCUMENT_ID = /^(\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}),(\d{4}\/\d{2}\/\d{2}),(\d+)\/(\S.*)$/u;
const ORGAN_ID_RULES = { max: 13, pattern: ORGAN_ID, describe: 'an organ id (13 characters, ddd.dd.dd.Ldd)' };
const CONTENT_TYPE = /^[A-Za-z0-9][\w.+-]*\/[A-Za-z0-9][\w.+-]*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * 20 MiB, some 15 MiB of files: above what official correspondence carries. Validating holds
 * about 25 times the package in memory while the XML is parsed and canonicalised (measured: a
 * 37 MB package took 780 MB and 10 s), and it runs on the caller's thread, so the limit is also
 * what keeps one package from costing a service its memory or its event loop for long.
 */
export const DEFAULT_MAX_PACKAGE_BYTES = 20 * 1024 * 1024;

export interface ReadOptions extends SignatureTrust {
  maxBytes?: number;
}

export type ReadResult =
  | { ok: true; pkg: EdxmlPackage; signer: X509Certificate; warnings: string[] }
  | { ok: false; reasons: string[]; warnings: string[] };

/**
 * Validates a package from outside and reads it: size, encoding, no DTD, structure, required
 * fields, lengths, formats, the signature (over the envelope and every attachment) and its
 * certificate. Every reason is reported, not only the first.
 */
export function readPackage(bytes: Buffer, opts: ReadOptions): ReadResult {
  const max = opts.maxBytes ?? DEFAULT_MAX_PACKAGE_BYTES;
  if (bytes.length > max) return refused([`the package is ${bytes.length} bytes, more than the limit of ${max}`]);
  const decoded = decodeXmlText(bytes);
  if ('reason' in decoded) return refused([decoded.reason]);
  const { doc, errors } = parseXml(decoded.text);
  if (doc === undefined) return refused(errors.slice(0, 10).map((e) => `not well-formed XML: ${e}`));
  const root = doc.documentElement;
  if (root === null || root.namespaceURI !== EDXML_NS || root.localName !== 'edXML') {
    return refused([`the root element is {${root?.namespaceURI ?? ''}}${root?.localName ?? '(none)'}, not edXML in the namespace ${EDXML_NS}`]);
  }

  const r = new FieldReader();
  const stray = elementChildren(root).find((e) => e.namespaceURI !== EDXML_NS || !['edXMLEnvelope', 'AttachmentEncoded'].includes(e.localName ?? ''));
  if (stray !== undefined) r.refuse(`edXML: unexpected element {${stray.namespaceURI ?? ''}}${stray.localName}`);
  const envelope = r.element(root, 'edXML', 'edXMLEnvelope');
  const header = r.element(envelope, 'edXMLEnvelope', 'edXMLHeader');
  const messageHeader = readMessageHeader(r, r.element(header, 'edXMLHeader', 'MessageHeader'));
  const { traces, business } = readTraceHeaderList(r, r.element(header, 'edXMLHeader', 'TraceHeaderList'));
  const manifest = r.element(r.element(envelope, 'edXMLEnvelope', 'edXMLBody'), 'edXMLBody', 'edXMLManifest');
  const attachments = readAttachments(r, manifest, r.element(root, 'edXML', 'AttachmentEncoded', false), business.docType);

  const signature = checkPackageSignature(decoded.text, doc, opts);
  const reasons = [...r.reasons, ...signature.reasons];
  if (reasons.length > 0 || signature.certificate === undefined) return refused(reasons, signature.warnings);
  return { ok: true, pkg: { header: messageHeader, traces, business, attachments }, signer: signature.certificate, warnings: signature.warnings };
}

function refused(reasons: string[], warnings: string[] = []): ReadResult {
  return { ok: false, reasons, warnings };
}

export function readOrgan(r: FieldReader, el: XmlElement | undefined, path: string): Organ {
  return {
    organId: r.text(el, path, 'OrganId', { ...ORGAN_ID_RULES, required: true }).trim(),
    organName: r.text(el, path, 'OrganName', { required: true, max: 250 }),
    organizationInCharge: r.text(el, path, 'OrganizationInCharge', { max: 250 }),
    organAdd: r.text(el, path, 'OrganAdd', { max: 250 }),
    email: r.text(el, path, 'Email', { max: 100, pattern: EMAIL, describe: 'an e-mail address' }).trim(),
    telephone: r.text(el, path, 'Telephone', { max: 50 }).trim(),
    fax: r.text(el, path, 'Fax', { max: 50 }).trim(),
    website: r.text(el, path, 'Website', { max: 200 }).trim(),
  };
}

function readMessageHeader(r: FieldReader, el: XmlElement | undefined): MessageHeader {
  const p = 'MessageHeader';
  const from = readOrgan(r, r.element(el, p, 'From'), `${p}/From`);
  const toElements = r.all(el, 'To');
  if (el !== undefined && toElements.length === 0) r.refuse(`${p}/To: at least one recipient required`);
  const to = toElements.map((t, i) => readOrgan(r, t, `${p}/To[${i + 1}]`));
  const twice = to.find((t, i) => t.organId !== '' && to.findIndex((o) => o.organId === t.organId) !== i);
  if (twice !== undefined) r.refuse(`${p}/To: ${twice.organId} is named more than once`);

  const code = r.element(el, p, 'Code');
  const codeNumber = r.text(code, `${p}/Code`, 'CodeNumber', { required: true, max: 11, pattern: /^\d+$/, describe: 'a number' }).trim();
  const codeNotation = r.text(code, `${p}/Code`, 'CodeNotation', { required: true, max: 50 }).trim();
  const promulgation = r.element(el, p, 'PromulgationInfo');
  const place = r.text(promulgation, `${p}/PromulgationInfo`, 'Place', { max: 100 });
  const promulgationDate = date(r, promulgation, `${p}/PromulgationInfo`, 'PromulgationDate', true);
  const type = r.element(el, p, 'DocumentType');
  const documentType = r.integer(type, `${p}/DocumentType`, 'Type', { min: 0, max: 999, required: true });
  const documentTypeName = r.text(type, `${p}/DocumentType`, 'TypeName', { required: true, max: 100 });
  const documentId = r.text(el, p, 'DocumentId', { required: true, max: 100 }).trim();
  const parsedId = DOCUMENT_ID.exec(documentId);
  if (documentId !== '' && parsedId === null) r.refuse(`${p}/DocumentId: "${preview(documentId)}" is not of the form OrganId,yyyy/MM/dd,Number/Notation`);
  if (parsedId !== null && from.organId !== '' && parsedId[1] !== from.organId) r.refuse(`${p}/DocumentId: names organ ${parsedId[1]}, but the package is from ${from.organId}`);

  const signer = r.element(el, p, 'SignerInfo', false);
  const toPlaces = r.texts(r.element(el, p, 'ToPlaces', false), `${p}/ToPlaces`, 'Place', { max: 250 });
  const other = r.element(el, p, 'OtherInfo', false);
  const appendixes = r.texts(r.element(other, `${p}/OtherInfo`, 'Appendixes', false), `${p}/OtherInfo/Appendixes`, 'Appendix', { max: 500 });
  const responseFor = r.all(el, 'ResponseFor').map((resp, i): ResponseFor => {
    const path = `${p}/ResponseFor[${i + 1}]`;
    return {
      organId: r.text(resp, path, 'OrganId', { ...ORGAN_ID_RULES, required: true }).trim(),
      code: r.text(resp, path, 'Code', { max: 100 }).trim(),
      promulgationDate: date(r, resp, path, 'PromulgationDate', false),
      documentId: r.text(resp, path, 'DocumentId', { required: true, max: 100 }).trim(),
    };
  });
  return {
    from,
    to,
    documentId,
    codeNumber,
    codeNotation,
    place,
    promulgationDate,
    documentType,
    documentTypeName,
    subject: r.text(el, p, 'Subject', { required: true, max: 500 }),
    content: r.text(el, p, 'Content', { max: 500 }),
    signerCompetence: r.text(signer, `${p}/SignerInfo`, 'Competence', { max: 250 }),
    signerPosition: r.text(signer, `${p}/SignerInfo`, 'Position', { max: 250 }),
    signerFullName: r.text(signer, `${p}/SignerInfo`, 'FullName', { max: 250 }),
    dueDate: date(r, el, p, 'DueDate', false),
    toPlaces,
    priority: r.integer(other, `${p}/OtherInfo`, 'Priority', { min: 0, max: 4 }),
    sphereOfPromulgation: r.text(other, `${p}/OtherInfo`, 'SphereOfPromulgation', { max: 250 }),
    typerNotation: r.text(other, `${p}/OtherInfo`, 'TyperNotation', { max: 50 }),
    promulgationAmount: r.integer(other, `${p}/OtherInfo`, 'PromulgationAmount', { min: 0, max: 1_000_000 }),
    pageAmount: r.integer(other, `${p}/OtherInfo`, 'PageAmount', { min: 0, max: 1_000_000 }),
    appendixes,
    responseFor,
    steeringType: r.integer(el, p, 'SteeringType', { min: 0, max: 2 }),
  };
}

function date(r: FieldReader, parent: XmlElement | undefined, path: string, name: string, required: boolean): string {
  const text = r.text(parent, path, name, { required, max: 10 }).trim();
  if (text === '') return '';
  const iso = isoDateOf(text);
  if (iso === undefined) r.refuse(`${path}/${name}: "${preview(text)}" is not a date (yyyy/MM/dd)`);
  return iso ?? '';
}

function readTraceHeaderList(r: FieldReader, el: XmlElement | undefined): { traces: TraceHeader[]; business: Business } {
  const p = 'TraceHeaderList';
  const traces = r.all(el, 'TraceHeader').map((t, i): TraceHeader => {
    const path = `${p}/TraceHeader[${i + 1}]`;
    const organId = r.text(t, path, 'OrganId', { ...ORGAN_ID_RULES, required: true }).trim();
    const stamp = r.text(t, path, 'Timestamp', { required: true, max: 19 }).trim();
    const timestamp = parseVietnamTime(stamp);
    if (stamp !== '' && timestamp === undefined) r.refuse(`${path}/Timestamp: "${preview(stamp)}" is not a time (yyyy/MM/dd HH:mm:ss or dd/MM/yyyy HH:mm:ss)`);
    return { organId, timestamp: timestamp ?? new Date(0) };
  });
  const b = r.element(el, p, 'Bussiness');
  const bp = `${p}/Bussiness`;
  const docType = r.integer(b, bp, 'BussinessDocType', { min: 0, max: 3, required: true }) as BusinessDocType;
  const documentId = r.text(b, bp, 'DocumentId', { max: 100 }).trim();
  if (b !== undefined && docType !== 0 && documentId === '') r.refuse(`${bp}/DocumentId: required for a recall, an update or a replacement (it names the document concerned)`);
  const staff = r.element(b, bp, 'StaffInfo', false);
  const replacementInfo = r.element(r.element(b, bp, 'ReplacementInfoList', false), `${bp}/ReplacementInfoList`, 'ReplacementInfo', false);
  if (b !== undefined && docType === 3 && replacementInfo === undefined) r.refuse(`${bp}/ReplacementInfoList: required for a replacement`);
  const business: Business = {
    docType,
    reason: r.text(b, bp, 'BussinessDocReason', { max: 500 }),
    documentId,
    paper: r.integer(b, bp, 'Paper', { min: 0, max: 1 }) === 1,
    staff: {
      department: r.text(staff, `${bp}/StaffInfo`, 'Department', { max: 250 }),
      staff: r.text(staff, `${bp}/StaffInfo`, 'Staff', { max: 250 }),
      mobile: r.text(staff, `${bp}/StaffInfo`, 'Mobile', { max: 50 }).trim(),
      email: r.text(staff, `${bp}/StaffInfo`, 'Email', { max: 100, pattern: EMAIL, describe: 'an e-mail address' }).trim(),
    },
  };
  if (replacementInfo !== undefined) {
    const rp = `${bp}/ReplacementInfoList/ReplacementInfo`;
    business.replacement = {
      documentId: r.text(replacementInfo, rp, 'DocumentId', { required: true, max: 100 }).trim(),
      organIds: r.texts(r.element(replacementInfo, rp, 'OrganIdList', false), `${rp}/OrganIdList`, 'OrganId', ORGAN_ID_RULES).map((id) => id.trim()),
    };
  }
  return { traces, business };
}

/** Every manifest reference names one attachment by its Content-ID, and every attachment is referenced. */
function readAttachments(r: FieldReader, manifest: XmlElement | undefined, encoded: XmlElement | undefined, docType: BusinessDocType): Attachment[] {
  const references = r.all(manifest, 'Reference').map((ref, i) => {
    const path = `edXMLManifest/Reference[${i + 1}]`;
    const contentId = r.text(ref, path, 'ContentId', { required: true, max: 200 }).trim();
    const href = ref.getAttributeNS(XLINK_NS, 'href') ?? '';
    if (href !== `cid:${contentId}`) r.refuse(`${path}: xlink:href "${preview(href)}" does not name its ContentId "${preview(contentId)}"`);
    return contentId;
  });
  const attachments = r.all(encoded, 'Attachment').map((a, i): Attachment => {
    const path = `AttachmentEncoded/Attachment[${i + 1}]`;
    const name = r.text(a, path, 'AttachmentName', { required: true, max: 255 });
    if (/[/\\\0]/.test(name) || name === '.' || name === '..') r.refuse(`${path}/AttachmentName: "${preview(name)}" is not a plain file name`);
    const base64 = r.text(a, path, 'ContentTransferEncoded', { required: true, max: Number.MAX_SAFE_INTEGER }).replace(/\s+/g, '');
    if (base64.length % 4 !== 0 || !BASE64.test(base64)) r.refuse(`${path}/ContentTransferEncoded: not base64`);
    return {
      contentId: r.text(a, path, 'ContentId', { required: true, max: 200 }).trim(),
      name,
      contentType: r.text(a, path, 'ContentType', { required: true, max: 100, pattern: CONTENT_TYPE, describe: 'a media type' }).trim(),
      description: r.text(a, path, 'Description', { max: 500 }),
      bytes: Buffer.from(base64, 'base64'),
    };
  });
  const ids = attachments.map((a) => a.contentId);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated !== undefined) r.refuse(`AttachmentEncoded: ContentId "${preview(repeated)}" is used twice`);
  for (const id of references) if (!ids.includes(id)) r.refuse(`edXMLManifest: references "${preview(id)}", which no attachment carries`);
  for (const id of ids) if (!references.includes(id)) r.refuse(`AttachmentEncoded: "${preview(id)}" is not in the manifest`);
  if (docType !== 1 && attachments.length === 0) r.refuse('AttachmentEncoded: a package that is not a recall carries the document itself');
  return attachments;
}
