import type { XmlDocument, XmlElement } from './dom-types';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { DSIG_NS, EDXML_NS } from './namespaces';
import { ECDSA_SHA256, EcdsaSha256 } from './ecdsa-sha256';
import { elementChildren } from './xml-dom';

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

const ENVELOPE_XPATH = `/*[local-name()='edXML']/*[local-name()='edXMLEnvelope']`;
const HEADER_XPATH = `${ENVELOPE_XPATH}/*[local-name()='edXMLHeader']`;
const ATTACHMENT_XPATH = `/*[local-name()='edXML']/*[local-name()='AttachmentEncoded']/*[local-name()='Attachment']`;

/**
 * Signs a package written by writePackage: an enveloped XML signature, placed in edXMLHeader,
 * over the envelope and over each attachment, so that the signature also carries every
 * attachment's digest. SHA-256 with RSA (what the axis's samples use) or ECDSA, exclusive
 * canonicalisation; the certificate goes in KeyInfo.
 */
export function signPackage(xml: string, signer: { privateKeyPem: string; certificatePem: string; chainPem?: readonly string[] }): string {
  const keyType = createPublicKey(signer.certificatePem).asymmetricKeyType;
  if (keyType !== 'rsa' && keyType !== 'ec') throw new Error(`edXML signatures are rsa-sha256 or ecdsa-sha256; this certificate holds a key of type ${keyType ?? 'unknown'}`);
  // KeyInfo holds the signer's certificate first, then any CA certificates that link it to a root.
  const keyInfo = [signer.certificatePem, ...(signer.chainPem ?? [])].map((pem) => pem.trim()).join('\n');
  const sig = withEcdsa(new SignedXml({ privateKey: signer.privateKeyPem, publicCert: keyInfo, signatureAlgorithm: keyType === 'rsa' ? RSA_SHA256 : ECDSA_SHA256, canonicalizationAlgorithm: EXC_C14N }));
  sig.addReference({ xpath: ENVELOPE_XPATH, digestAlgorithm: SHA256, transforms: [ENVELOPED, EXC_C14N] });
  // One reference per attachment; xml-crypto refuses an xpath that selects nothing (a recall has no file).
  if (xml.includes('<edXML:Attachment>')) sig.addReference({ xpath: ATTACHMENT_XPATH, digestAlgorithm: SHA256, transforms: [EXC_C14N] });
  sig.computeSignature(xml, { location: { reference: HEADER_XPATH, action: 'append' } });
  return sig.getSignedXml();
}

export interface SignatureCheck {
  reasons: string[];
  warnings: string[];
  certificate?: X509Certificate;
}

export interface SignatureTrust {
  /** Trust anchors: a signer's chain must end at one of them. */
  trusted: readonly X509Certificate[];
  /** CA certificates that may link a signer to an anchor, trusted only through it. */
  intermediates?: readonly X509Certificate[];
}

/**
 * Checks the one signature in edXMLHeader: its value, that it covers the envelope and every
 * attachment (a signature over less would let the rest be swapped), and that its certificate
 * chains to a trust anchor.
 */
export function checkPackageSignature(xml: string, doc: XmlDocument, trust: SignatureTrust): SignatureCheck {
  const reasons: string[] = [];
  const warnings: string[] = [];
  const signatures = doc.getElementsByTagNameNS(DSIG_NS, 'Signature');
  if (signatures.length !== 1) return { reasons: [signatures.length === 0 ? 'Signature: the package is not signed' : `Signature: ${signatures.length} signatures, exactly one expected`], warnings };
  const signature = signatures[0] as XmlElement;
  const parent = signature.parentNode as XmlElement | null;
  if (parent?.namespaceURI !== EDXML_NS || parent.localName !== 'edXMLHeader') reasons.push('Signature: not in edXMLHeader');

  const [certificate, ...carried] = keyInfoCertificates(signature);
  if (certificate === undefined) return { reasons: [...reasons, 'Signature: KeyInfo holds no X.509 certificate'], warnings };
  const algorithm = firstDescendant(signature, 'SignatureMethod')?.getAttribute('Algorithm');
  const digests = Array.from(signature.getElementsByTagNameNS(DSIG_NS, 'DigestMethod'), (e) => e.getAttribute('Algorithm'));
  if (algorithm !== RSA_SHA256 && algorithm !== ECDSA_SHA256 && algorithm !== RSA_SHA1) reasons.push(`Signature: algorithm ${algorithm ?? '(none)'} is not accepted (rsa-sha256, ecdsa-sha256, or rsa-sha1 from older senders)`);
  if (digests.some((d) => d !== SHA256 && d !== SHA1)) reasons.push(`Signature: digest algorithm ${digests.find((d) => d !== SHA256 && d !== SHA1)} is not accepted`);
  if (algorithm === RSA_SHA1 || digests.includes(SHA1)) warnings.push('Signature: made with SHA-1, which is accepted from older senders only; ask the sender to move to SHA-256');
  if (reasons.length > 0) return { reasons, warnings, certificate };

  const verifier = withEcdsa(new SignedXml({ publicCert: certificate.toString() }));
  try {
    verifier.loadSignature(signature);
    if (!verifier.checkSignature(xml)) reasons.push('Signature: does not verify');
  } catch (error) {
    reasons.push(`Signature: does not verify: ${firstLine(error)}`);
  }
  if (reasons.length === 0) reasons.push(...uncovered(doc, verifier));

  if (!chainsToAnchor(certificate, { trusted: trust.trusted, intermediates: [...(trust.intermediates ?? []), ...carried] })) reasons.push(`Signature: the certificate of "${certificate.subject.replace(/\n/g, ', ')}" was not issued by a trusted CA`);
  const now = new Date();
  if (new Date(certificate.validTo) < now || new Date(certificate.validFrom) > now) reasons.push(`Signature: the certificate is not valid now (${certificate.validFrom} to ${certificate.validTo})`);
  return { reasons, warnings, certificate };
}

function withEcdsa(sig: SignedXml): SignedXml {
  sig.SignatureAlgorithms[ECDSA_SHA256] = EcdsaSha256;
  return sig;
}

/** The envelope (with the enveloped-signature transform) and every attachment must be signed. */
function uncovered(doc: XmlDocument, verifier: SignedXml): string[] {
  const references = verifier.getReferences();
  const signedIds = new Map(references.map((r) => [(r.uri ?? '').replace(/^#/, ''), r.transforms ?? []]));
  const root = doc.documentElement;
  if (root === null) return ['Signature: the package has no root element'];
  const envelope = elementChildren(root).find((e) => e.localName === 'edXMLEnvelope');
  const reasons: string[] = [];
  const envelopeId = envelope === undefined ? null : idOf(envelope);
  if (envelopeId === null || !signedIds.get(envelopeId)?.includes(ENVELOPED)) reasons.push('Signature: does not cover the envelope');
  const encoded = elementChildren(root).find((e) => e.localName === 'AttachmentEncoded');
  for (const attachment of encoded === undefined ? [] : elementChildren(encoded)) {
    const id = idOf(attachment);
    if (id === null || !signedIds.has(id)) reasons.push(`Signature: does not cover attachment ${contentIdOf(attachment)}`);
  }
  return reasons;
}

const idOf = (e: XmlElement): string | null => e.getAttribute('Id') || e.getAttribute('ID') || e.getAttribute('id') || null;
const contentIdOf = (attachment: XmlElement) => elementChildren(attachment).find((e) => e.localName === 'ContentId')?.textContent ?? '(no ContentId)';

/** The certificates of KeyInfo, the signer's first; none when the first cannot be read. */
function keyInfoCertificates(signature: XmlElement): X509Certificate[] {
  const certificates: X509Certificate[] = [];
  for (const element of Array.from(signature.getElementsByTagNameNS(DSIG_NS, 'X509Certificate'))) {
    try {
      certificates.push(new X509Certificate(Buffer.from((element.textContent ?? '').replace(/\s+/g, ''), 'base64')));
    } catch {
      if (certificates.length === 0) return [];
    }
  }
  return certificates;
}

/** Walks up through the intermediates (a few levels at most) until an anchor issued the certificate. */
function chainsToAnchor(certificate: X509Certificate, trust: SignatureTrust, depth = 0): boolean {
  if (trust.trusted.some((anchor) => issuedBy(certificate, anchor))) return true;
  if (depth >= 4) return false;
  return (trust.intermediates ?? []).some((ca) => ca.ca && ca.fingerprint256 !== certificate.fingerprint256 && issuedBy(certificate, ca) && chainsToAnchor(ca, trust, depth + 1));
}

function issuedBy(certificate: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function firstDescendant(element: XmlElement, localName: string): XmlElement | undefined {
  return (element.getElementsByTagNameNS(DSIG_NS, localName)[0] as XmlElement | undefined) ?? undefined;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] as string;
}
