import type { XmlElement } from './dom-types';
import type { EdxmlPackage, Organ } from './package-model';
import { XLINK_NS } from './namespaces';
import { edxmlDate, formatVietnamTime } from './vietnam-time';
import { EdxmlWriter } from './xml-dom';

/**
 * Writes a package, unsigned (signPackage adds the signature). Text is NFC, as the axis compares
 * strings byte for byte. Attachments are base64 in ContentTransferEncoded, outside the envelope,
 * each referenced from the manifest by its Content-ID.
 */
export function writePackage(pkg: EdxmlPackage): string {
  const w = new EdxmlWriter('edXML', { xlink: XLINK_NS });
  const envelope = w.add(w.root, 'edXMLEnvelope');
  const header = w.add(envelope, 'edXMLHeader');
  writeMessageHeader(w, w.add(header, 'MessageHeader'), pkg);
  writeTraceHeaderList(w, w.add(header, 'TraceHeaderList'), pkg);
  const manifest = w.add(w.add(envelope, 'edXMLBody'), 'edXMLManifest');
  for (const a of pkg.attachments) {
    const reference = w.add(manifest, 'Reference');
    reference.setAttributeNS(XLINK_NS, 'xlink:href', `cid:${a.contentId}`);
    w.add(reference, 'Description', nfc(a.description));
    w.add(reference, 'AttachmentName', nfc(a.name));
    w.add(reference, 'ContentType', a.contentType);
    w.add(reference, 'ContentId', a.contentId);
  }
  const encoded = w.add(w.root, 'AttachmentEncoded');
  for (const a of pkg.attachments) {
    const attachment = w.add(encoded, 'Attachment');
    w.add(attachment, 'ContentType', a.contentType);
    w.add(attachment, 'ContentId', a.contentId);
    w.add(attachment, 'Description', nfc(a.description));
    w.add(attachment, 'AttachmentName', nfc(a.name));
    w.add(attachment, 'ContentTransferEncoded', a.bytes.toString('base64'));
  }
  return w.toString();
}

function writeMessageHeader(w: EdxmlWriter, el: XmlElement, { header: h }: EdxmlPackage): void {
  writeOrgan(w, w.add(el, 'From'), h.from);
  for (const to of h.to) writeOrgan(w, w.add(el, 'To'), to);
  w.add(el, 'DocumentId', h.documentId);
  const code = w.add(el, 'Code');
  w.add(code, 'CodeNumber', h.codeNumber);
  w.add(code, 'CodeNotation', nfc(h.codeNotation));
  const promulgation = w.add(el, 'PromulgationInfo');
  w.add(promulgation, 'Place', nfc(h.place));
  w.add(promulgation, 'PromulgationDate', edxmlDate(h.promulgationDate));
  const type = w.add(el, 'DocumentType');
  w.add(type, 'Type', h.documentType);
  w.add(type, 'TypeName', nfc(h.documentTypeName));
  w.add(el, 'Subject', nfc(h.subject));
  w.add(el, 'Content', nfc(h.content));
  const signer = w.add(el, 'SignerInfo');
  w.add(signer, 'Competence', nfc(h.signerCompetence));
  w.add(signer, 'Position', nfc(h.signerPosition));
  w.add(signer, 'FullName', nfc(h.signerFullName));
  w.add(el, 'DueDate', h.dueDate === '' ? '' : edxmlDate(h.dueDate));
  const places = w.add(el, 'ToPlaces');
  for (const place of h.toPlaces) w.add(places, 'Place', nfc(place));
  const other = w.add(el, 'OtherInfo');
  w.add(other, 'Priority', h.priority);
  w.add(other, 'SphereOfPromulgation', nfc(h.sphereOfPromulgation));
  w.add(other, 'TyperNotation', nfc(h.typerNotation));
  w.add(other, 'PromulgationAmount', h.promulgationAmount);
  w.add(other, 'PageAmount', h.pageAmount);
  const appendixes = w.add(other, 'Appendixes');
  for (const appendix of h.appendixes) w.add(appendixes, 'Appendix', nfc(appendix));
  for (const r of h.responseFor) {
    const response = w.add(el, 'ResponseFor');
    w.add(response, 'OrganId', r.organId);
    w.add(response, 'Code', nfc(r.code));
    w.add(response, 'PromulgationDate', edxmlDate(r.promulgationDate));
    w.add(response, 'DocumentId', nfc(r.documentId));
  }
  w.add(el, 'SteeringType', h.steeringType);
}

export function writeOrgan(w: EdxmlWriter, el: XmlElement, o: Organ): void {
  w.add(el, 'OrganId', o.organId);
  w.add(el, 'OrganName', nfc(o.organName));
  w.add(el, 'OrganizationInCharge', nfc(o.organizationInCharge));
  w.add(el, 'OrganAdd', nfc(o.organAdd));
  w.add(el, 'Email', o.email);
  w.add(el, 'Telephone', o.telephone);
  w.add(el, 'Fax', o.fax);
  w.add(el, 'Website', o.website);
}

function writeTraceHeaderList(w: EdxmlWriter, el: XmlElement, { traces, business: b }: EdxmlPackage): void {
  for (const t of traces) {
    const trace = w.add(el, 'TraceHeader');
    w.add(trace, 'OrganId', t.organId);
    w.add(trace, 'Timestamp', formatVietnamTime(t.timestamp));
  }
  // "Bussiness" is the standard's spelling.
  const business = w.add(el, 'Bussiness');
  w.add(business, 'BussinessDocType', b.docType);
  w.add(business, 'BussinessDocReason', nfc(b.reason));
  if (b.documentId !== '') w.add(business, 'DocumentId', nfc(b.documentId));
  w.add(business, 'Paper', b.paper ? 1 : 0);
  const staff = w.add(business, 'StaffInfo');
  w.add(staff, 'Department', nfc(b.staff.department));
  w.add(staff, 'Staff', nfc(b.staff.staff));
  w.add(staff, 'Mobile', b.staff.mobile);
  w.add(staff, 'Email', b.staff.email);
  if (b.replacement !== undefined) {
    const info = w.add(w.add(business, 'ReplacementInfoList'), 'ReplacementInfo');
    w.add(info, 'DocumentId', nfc(b.replacement.documentId));
    const organs = w.add(info, 'OrganIdList');
    for (const id of b.replacement.organIds) w.add(organs, 'OrganId', id);
  }
}

export const nfc = (text: string): string => text.normalize('NFC');
