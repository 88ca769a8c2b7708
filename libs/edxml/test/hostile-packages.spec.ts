import { EDXML_NS, readPackage, signPackage, writePackage } from '../src';
import { edxmlChildren, parseXml, serializeXml } from '../src/xml-dom';
import type { XmlDocument, XmlElement } from '../src/dom-types';
import { makeTestPki, samplePackage, type TestPki } from './helpers/sample-package';

/**
 * Hostile and broken packages, each refused with a reason that names what is wrong. Field-level
 * mutations are made before signing, so the signature is valid and only the field can be the
 * reason; tampering after signing must break the signature.
 */
const LEAVES: { path: string[]; required: boolean }[] = [
  ...['OrganId', 'OrganName'].map((leaf) => ({ path: ['edXMLEnvelope', 'edXMLHeader', 'MessageHeader', 'From', leaf], required: true })),
  ...['OrganizationInCharge', 'OrganAdd', 'Email', 'Telephone', 'Fax', 'Website'].map((leaf) => ({ path: ['edXMLEnvelope', 'edXMLHeader', 'MessageHeader', 'From', leaf], required: false })),
  ...['OrganId', 'OrganName'].map((leaf) => ({ path: ['edXMLEnvelope', 'edXMLHeader', 'MessageHeader', 'To', leaf], required: true })),
  { path: ['edXMLEnvelope', 'edXMLHeader', 'MessageHeader', 'DocumentId'], required: true },
  { path: ['edXMLEnvelope', 'edXMLHeader', 'MessageHeader', 'Code', 'CodeNumber'], required: true },
  { path: ['edXMLEnvelope', 'edXMLHeader', 'MessageHeader', 'Code', 'CodeNotation'], required: true },
  { path: ['edXMLEnvelope', 'edXMLHeader', 'MessageHeader', 'PromulgationInfo', 'Place'], required: false },
  { path: ['edXMLEnvelope', 'edXMLHeader', 'MessageHeader', 'PromulgationInfo', 'PromulgationDate'], required: true },
  { path: ['edXMLEnvelope', 'edXMLHeader', 'MessageHeader', 'DocumentType', 'Type'], required: true },
  { path: ['edXMLEnvelope', 'edXMLHeader', 'MessageHeader', 'DocumentType', 'TypeName'], required: true },
  { path: ['edXMLEnvelope', 'edXMLHeader', 'MessageHeader', 'Subject'], required: true },
  { path: ['edXMLEnvelope', 'edXMLHeader', 'MessageHeader', 'Content'], required: false },
  ...['Competence', 'Position', 'FullName'].map((leaf) => ({ path: ['edXMLEnvelope', 'edXMLHeader', 'MessageHeader', 'SignerInfo', leaf], required: false })),
  { path: ['edXMLEnvelope', 'edXMLHeader', 'MessageHeader', 'DueDate'], required: false },
  ...['Priority', 'SphereOfPromulgation', 'TyperNotation', 'PromulgationAmount', 'PageAmount'].map((leaf) => ({ path: ['edXMLEnvelope', 'edXMLHeader', 'MessageHeader', 'OtherInfo', leaf], required: false })),
  ...['OrganId', 'DocumentId'].map((leaf) => ({ path: ['edXMLEnvelope', 'edXMLHeader', 'MessageHeader', 'ResponseFor', leaf], required: true })),
  { path: ['edXMLEnvelope', 'edXMLHeader', 'MessageHeader', 'SteeringType'], required: false },
  ...['OrganId', 'Timestamp'].map((leaf) => ({ path: ['edXMLEnvelope', 'edXMLHeader', 'TraceHeaderList', 'TraceHeader', leaf], required: true })),
  { path: ['edXMLEnvelope', 'edXMLHeader', 'TraceHeaderList', 'Bussiness', 'BussinessDocType'], required: true },
  ...['BussinessDocReason', 'Paper'].map((leaf) => ({ path: ['edXMLEnvelope', 'edXMLHeader', 'TraceHeaderList', 'Bussiness', leaf], required: false })),
  ...['Department', 'Staff', 'Mobile', 'Email'].map((leaf) => ({ path: ['edXMLEnvelope', 'edXMLHeader', 'TraceHeaderList', 'Bussiness', 'StaffInfo', leaf], required: false })),
  ...['ContentId'].map((leaf) => ({ path: ['edXMLEnvelope', 'edXMLBody', 'edXMLManifest', 'Reference', leaf], required: true })),
  ...['ContentType', 'ContentId', 'AttachmentName', 'ContentTransferEncoded'].map((leaf) => ({ path: ['AttachmentEncoded', 'Attachment', leaf], required: true })),
  { path: ['AttachmentEncoded', 'Attachment', 'Description'], required: false },
];

/** The name a reason gives a leaf: its path below the section the reader names. */
const reasonPath = (path: string[]) => {
  const start = Math.max(path.indexOf('MessageHeader'), path.indexOf('TraceHeaderList'), path.indexOf('edXMLManifest'), path.indexOf('AttachmentEncoded'));
  return path.slice(start).join('/');
};

function find(doc: XmlDocument, path: string[]): XmlElement {
  let element = doc.documentElement as XmlElement;
  for (const name of path) element = edxmlChildren(element, name)[0] ?? fail(`no ${name} in ${path.join('/')}`);
  return element;
}

function fail(message: string): never {
  throw new Error(message);
}

function mutated(xml: string, change: (doc: XmlDocument) => void): string {
  const { doc } = parseXml(xml);
  change(doc!);
  return serializeXml(doc!);
}

const text = (doc: XmlDocument, element: XmlElement, value: string) => {
  while (element.firstChild !== null) (element as unknown as { removeChild(n: unknown): void }).removeChild(element.firstChild);
  element.appendChild(doc.createTextNode(value));
};

interface Case {
  name: string;
  bytes: () => Buffer;
  reason: RegExp | string;
}

describe('hostile edXML packages', () => {
  let pki: TestPki;
  let xml: string;
  const sign = (unsigned: string) => Buffer.from(signPackage(unsigned, pki.signer));
  beforeAll(() => {
    pki = makeTestPki();
    xml = writePackage(samplePackage());
  });

  const cases: Case[] = [];
  for (const leaf of LEAVES) {
    const where = reasonPath(leaf.path);
    if (leaf.required) {
      cases.push({ name: `without ${where}`, bytes: () => sign(mutated(xml, (doc) => { const e = find(doc, leaf.path); (e.parentNode as unknown as { removeChild(n: unknown): void }).removeChild(e); })), reason: new RegExp(`${where.replace(/\//g, '(\\[\\d+\\])?/')}(\\[\\d+\\])?: required`) });
      cases.push({ name: `with ${where} blank`, bytes: () => sign(mutated(xml, (doc) => text(doc, find(doc, leaf.path), '   '))), reason: new RegExp(`${where.replace(/\//g, '(\\[\\d+\\])?/')}(\\[\\d+\\])?: (required|.*is not)`) });
    }
    cases.push({ name: `with 2,000 characters in ${where}`, bytes: () => sign(mutated(xml, (doc) => text(doc, find(doc, leaf.path), 'ẫ'.repeat(2000)))), reason: leaf.path.at(-1) === 'ContentTransferEncoded' ? 'not base64' : /characters, at most \d+ allowed|is not/ });
    cases.push({
      name: `with an element inside ${where}`,
      bytes: () => sign(mutated(xml, (doc) => { const e = find(doc, leaf.path); e.appendChild(doc.createElementNS(EDXML_NS, 'edXML:Injected')); })),
      reason: 'holds elements where text is expected',
    });
    cases.push({
      name: `with ${where} twice`,
      bytes: () => sign(mutated(xml, (doc) => { const e = find(doc, leaf.path); const copy = doc.createElementNS(EDXML_NS, `edXML:${leaf.path.at(-1)}`); copy.appendChild(doc.createTextNode(e.textContent ?? '')); (e.parentNode as XmlElement).appendChild(copy); })),
      reason: 'at most once allowed',
    });
  }

  const setLeaf = (path: string[], value: string) => () => sign(mutated(xml, (doc) => text(doc, find(doc, path), value)));
  const header = (...path: string[]) => ['edXMLEnvelope', 'edXMLHeader', 'MessageHeader', ...path];
  cases.push(
    { name: 'an organ id of the wrong shape', bytes: setLeaf(header('From', 'OrganId'), '000.00.13.h26'), reason: 'is not an organ id' },
    { name: 'a document id from another organ', bytes: setLeaf(header('DocumentId'), '000.00.99.H26,2026/12/03,125/QĐ-UBND'), reason: 'names organ 000.00.99.H26, but the package is from 000.00.13.H26' },
    { name: 'a document id of the wrong shape', bytes: setLeaf(header('DocumentId'), '125/QĐ-UBND'), reason: 'is not of the form OrganId,yyyy/MM/dd,Number/Notation' },
    { name: 'a date that does not exist', bytes: setLeaf(header('PromulgationInfo', 'PromulgationDate'), '2026/02/30'), reason: 'is not a date' },
    { name: 'a due date in another form', bytes: setLeaf(header('DueDate'), '31-12-2026'), reason: 'is not a date' },
    { name: 'priority 9', bytes: setLeaf(header('OtherInfo', 'Priority'), '9'), reason: 'is not a whole number from 0 to 4' },
    { name: 'steering type -1', bytes: setLeaf(header('SteeringType'), '-1'), reason: 'is not a whole number from 0 to 2' },
    { name: 'a type that is not a number', bytes: setLeaf(header('DocumentType', 'Type'), 'QĐ'), reason: 'is not a whole number' },
    { name: 'a 501-character subject', bytes: setLeaf(header('Subject'), 'a'.repeat(501)), reason: 'Subject: 501 characters, at most 500 allowed' },
    { name: 'a recipient named twice', bytes: setLeaf(['edXMLEnvelope', 'edXMLHeader', 'MessageHeader', 'To', 'OrganId'], '000.32.13.H26'), reason: '000.32.13.H26 is named more than once' },
    { name: 'a bad e-mail', bytes: setLeaf(header('From', 'Email'), 'not an address'), reason: 'is not an e-mail address' },
    { name: 'a trace time in no known form', bytes: setLeaf(['edXMLEnvelope', 'edXMLHeader', 'TraceHeaderList', 'TraceHeader', 'Timestamp'], '2026-12-03T09:15:30'), reason: 'is not a time' },
    { name: 'business type 7', bytes: setLeaf(['edXMLEnvelope', 'edXMLHeader', 'TraceHeaderList', 'Bussiness', 'BussinessDocType'], '7'), reason: 'is not a whole number from 0 to 3' },
    { name: 'a recall that names no document', bytes: setLeaf(['edXMLEnvelope', 'edXMLHeader', 'TraceHeaderList', 'Bussiness', 'BussinessDocType'], '1'), reason: 'Bussiness/DocumentId: required for a recall' },
    { name: 'a replacement without its list', bytes: () => sign(writePackage({ ...samplePackage(), business: { ...samplePackage().business, docType: 3, documentId: '000.00.13.H26,2026/12/01,120/QĐ-UBND' } })), reason: 'ReplacementInfoList: required for a replacement' },
    { name: 'an attachment name with a path', bytes: setLeaf(['AttachmentEncoded', 'Attachment', 'AttachmentName'], '../../etc/passwd'), reason: 'is not a plain file name' },
    { name: 'a content type that is not one', bytes: setLeaf(['AttachmentEncoded', 'Attachment', 'ContentType'], 'pdf'), reason: 'is not a media type' },
    { name: 'base64 with a stray character', bytes: setLeaf(['AttachmentEncoded', 'Attachment', 'ContentTransferEncoded'], 'JVBERi0x*jc='), reason: 'ContentTransferEncoded: not base64' },
    { name: 'an attachment missing from the manifest', bytes: setLeaf(['AttachmentEncoded', 'Attachment', 'ContentId'], 'other@edoc'), reason: '"other@edoc" is not in the manifest' },
    { name: 'a manifest reference to nothing', bytes: setLeaf(['edXMLEnvelope', 'edXMLBody', 'edXMLManifest', 'Reference', 'ContentId'], 'ghost@edoc'), reason: 'references "ghost@edoc", which no attachment carries' },
    { name: 'two attachments with one Content-ID', bytes: () => sign(writePackage({ ...samplePackage(), attachments: samplePackage().attachments.map((a) => ({ ...a, contentId: 'same@edoc' })) })), reason: 'ContentId "same@edoc" is used twice' },
    { name: 'no attachment on a new document', bytes: () => sign(writePackage({ ...samplePackage(), attachments: [] })), reason: 'carries the document itself' },
    { name: 'no recipient', bytes: () => sign(writePackage({ ...samplePackage(), header: { ...samplePackage().header, to: [] } })), reason: 'MessageHeader/To: at least one recipient required' },
    { name: 'a stray element beside the envelope', bytes: () => sign(mutated(xml, (doc) => (doc.documentElement as XmlElement).appendChild(doc.createElementNS('urn:evil', 'evil:Payload')))), reason: 'unexpected element {urn:evil}Payload' },
    { name: 'the wrong namespace', bytes: () => sign(xml.replaceAll(EDXML_NS, 'http://www.mic.gov.vn/TBT/QCVN_102_2015')), reason: `not edXML in the namespace ${EDXML_NS}` },
    { name: 'no namespace at all', bytes: () => Buffer.from(xml.replace(/ xmlns:edXML="[^"]*"/, '').replaceAll('edXML:', '')), reason: 'not edXML in the namespace' },
    { name: 'another root element', bytes: () => Buffer.from(`<?xml version="1.0"?><edXML:Status xmlns:edXML="${EDXML_NS}"/>`), reason: 'the root element is' },
    { name: 'an external entity (XXE)', bytes: () => Buffer.from(xml.replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE edXML:edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>').replace('<edXML:Subject>', '<edXML:Subject>&xxe;')), reason: 'declares a DTD' },
    { name: 'a billion laughs', bytes: () => Buffer.from(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]><lolz>&lol9;</lolz>`), reason: 'declares a DTD' },
    { name: 'a parameter entity fetching a remote DTD', bytes: () => Buffer.from(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % remote SYSTEM "http://127.0.0.1:1/evil.dtd"> %remote;]><x/>`), reason: 'declares a DTD' },
    { name: 'an entity declared without a DOCTYPE keyword case', bytes: () => Buffer.from(`<?xml version="1.0"?><!doctype x><x/>`), reason: 'declares a DTD' },
    { name: 'an undeclared entity', bytes: () => Buffer.from(xml.replace('<edXML:Subject>', '<edXML:Subject>&nbsp;')), reason: 'not well-formed XML' },
    { name: '100 MB of base64', bytes: () => Buffer.concat([Buffer.from(xml.slice(0, 200)), Buffer.alloc(100 * 1024 * 1024, 0x41)]), reason: /^the package is \d+ bytes, more than the limit of \d+$/ },
    { name: 'UTF-16', bytes: () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]), reason: 'the package is UTF-16' },
    { name: 'bytes that are not UTF-8', bytes: () => Buffer.from(xml.replace('Hai Bà Trưng', 'Hai B\u00e0 Tr'), 'latin1'), reason: 'not valid UTF-8' },
    { name: 'a declared Latin-1 encoding', bytes: () => Buffer.from(xml.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')), reason: 'declares the encoding "ISO-8859-1"' },
    { name: 'an unclosed element', bytes: () => Buffer.from(xml.replace('</edXML:Subject>', '')), reason: 'not well-formed XML' },
    { name: 'an empty file', bytes: () => Buffer.alloc(0), reason: /not well-formed XML|root element/ },
    { name: 'not XML at all', bytes: () => Buffer.from('%PDF-1.7\n'), reason: /not well-formed XML|root element/ },
    { name: 'no signature', bytes: () => Buffer.from(xml), reason: 'Signature: the package is not signed' },
    { name: 'two signatures', bytes: () => { const once = signPackage(xml, pki.signer); const sig = /<Signature [^]*<\/Signature>/.exec(once)![0]; return Buffer.from(once.replace('</edXML:edXMLHeader>', `${sig}</edXML:edXMLHeader>`)); }, reason: 'Signature: 2 signatures, exactly one expected' },
    { name: 'a subject changed after signing', bytes: () => Buffer.from(signPackage(xml, pki.signer).replace('Về việc', 'Vê việc')), reason: /^Signature: does not verify/ },
    { name: 'an attachment swapped after signing (wrong digest)', bytes: () => { const s = signPackage(xml, pki.signer); const b = /<edXML:ContentTransferEncoded>([^<]+)</.exec(s)![1]!; return Buffer.from(s.replace(b, Buffer.from('%PDF-1.7 forged').toString('base64'))); }, reason: /^Signature: does not verify/ },
    { name: 'a signature value changed', bytes: () => Buffer.from(signPackage(xml, pki.signer).replace(/<SignatureValue>(.)/, (_m, c: string) => `<SignatureValue>${c === 'A' ? 'B' : 'A'}`)), reason: /^Signature: does not verify/ },
    { name: 'a signature that leaves the attachments out', bytes: () => Buffer.from(signPackage(writePackage({ ...samplePackage(), attachments: [] }), pki.signer).replace('<edXML:AttachmentEncoded/>', '').replace('</edXML:edXML>', /<edXML:AttachmentEncoded>[^]*<\/edXML:AttachmentEncoded>/.exec(xml)![0] + '</edXML:edXML>').replace('<edXML:edXMLManifest/>', /<edXML:edXMLManifest>[^]*<\/edXML:edXMLManifest>/.exec(xml)![0])), reason: /^Signature: (does not verify|does not cover attachment)/ },
    { name: 'a certificate in KeyInfo that is not one', bytes: () => Buffer.from(signPackage(xml, pki.signer).replace(/<X509Certificate>[^<]+/, '<X509Certificate>AAAA')), reason: 'Signature: KeyInfo holds no X.509 certificate' },
  );

  it('has at least 200 hostile packages', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
  });

  it.each(cases.map((c) => [c.name, c] as const))('refuses a package %s, with the reason', (_name, c) => {
    const result = readPackage(c.bytes(), pki);
    expect(result.ok).toBe(false);
    const reasons = result.ok ? [] : result.reasons;
    if (!reasons.some((reason) => (typeof c.reason === 'string' ? reason.includes(c.reason) : c.reason.test(reason)))) throw new Error(`no reason matches ${String(c.reason)}; the reasons:\n${reasons.join('\n')}`);
  });
});
