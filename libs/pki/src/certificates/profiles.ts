import type { KeyObject } from 'node:crypto';
import type { NameAttribute } from '../asn1/name';
import { nullValue } from '../asn1/build';
import { OID } from '../asn1/oids';
import { PkiError } from '../errors';
import { type KeyAlgorithm, generateKeyPair } from '../keys/key-algorithm';
import { assertKeyMatchesCertificate, exportPrivateKeyPem, loadPrivateKey } from '../keys/private-key';
import { buildCertificate } from './build-certificate';
import { type ExtensionSpec, authorityKeyIdentifier, basicConstraints, crlDistributionPoint, extendedKeyUsage, keyUsage, ocspAccess, subjectKeyIdentifier } from './extensions';
import { type ParsedCertificate, parseCertificate, parseCertificatePem } from './parse-certificate';

/** A certificate and its private key, both PEM. */
export interface IssuedCredential {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

export interface RootCaOptions {
  readonly commonName: string;
  readonly organisation?: string;
  readonly keyAlgorithm?: KeyAlgorithm;
  readonly validYears?: number;
  readonly now?: Date;
}

export interface IssuingCaOptions {
  readonly commonName: string;
  readonly organisation?: string;
  readonly keyAlgorithm?: KeyAlgorithm;
  readonly validYears?: number;
  readonly now?: Date;
  /** Where relying parties fetch the root's CRL (CRL distribution point of this certificate). */
  readonly crlUrl?: string;
}

export interface EndEntityOptions {
  readonly keyAlgorithm?: KeyAlgorithm;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Where relying parties fetch the issuing CA's CRL (CRL distribution point). */
  readonly crlUrl?: string;
  /** Where relying parties ask the issuing CA's OCSP responder (authority information access). */
  readonly ocspUrl?: string;
}

export interface OrganisationCertificateOptions extends EndEntityOptions {
  readonly orgCode: string;
  readonly orgName: string;
}

export interface PersonCertificateOptions extends EndEntityOptions {
  readonly orgCode: string;
  readonly orgName: string;
  readonly fullName: string;
  readonly position: string;
}

export interface TimestampingCertificateOptions extends EndEntityOptions {
  readonly commonName: string;
  readonly orgName?: string;
}

const YEAR_MS = 365.25 * 24 * 3600 * 1000;
const END_ENTITY_YEARS = 3;
/** Shape of a mã định danh: ddd.dd.dd.Ldd (DOMAIN.md). */
const ORG_CODE = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;

export function createRootCa(opts: RootCaOptions): IssuedCredential {
  requireText(opts.commonName, 'commonName');
  const now = opts.now ?? new Date();
  const keys = generateKeyPair(opts.keyAlgorithm ?? 'rsa-3072');
  const spki = keys.publicKey.export({ type: 'spki', format: 'der' });
  const { pem } = buildCertificate({
    subject: caSubject(opts.commonName, opts.organisation),
    subjectPublicKey: keys.publicKey,
    issuerPrivateKey: keys.privateKey,
    notBefore: backdated(now),
    notAfter: new Date(now.getTime() + (opts.validYears ?? 20) * YEAR_MS),
    extensions: [basicConstraints(true), keyUsage(['keyCertSign', 'cRLSign']), subjectKeyIdentifier(spki)],
  });
  return { certificatePem: pem, privateKeyPem: exportPrivateKeyPem(keys.privateKey) };
}

export function createIssuingCa(root: IssuedCredential, opts: IssuingCaOptions): IssuedCredential {
  requireText(opts.commonName, 'commonName');
  const now = opts.now ?? new Date();
  const issuer = openCa(root, 'root CA');
  const keys = generateKeyPair(opts.keyAlgorithm ?? 'rsa-3072');
  const spki = keys.publicKey.export({ type: 'spki', format: 'der' });
  const extensions = [basicConstraints(true, 0), keyUsage(['keyCertSign', 'cRLSign']), subjectKeyIdentifier(spki), ...issuerLinks(issuer.cert, opts.crlUrl)];
  return issue(issuer, keys, caSubject(opts.commonName, opts.organisation), backdated(now), new Date(now.getTime() + (opts.validYears ?? 10) * YEAR_MS), extensions);
}

export function issueOrganisationCertificate(ca: IssuedCredential, opts: OrganisationCertificateOptions): IssuedCredential {
  requireOrgCode(opts.orgCode);
  requireText(opts.orgName, 'orgName');
  const subject: NameAttribute[] = [
    { oid: OID.countryName, value: 'VN' },
    { oid: OID.organizationName, value: opts.orgName },
    { oid: OID.organizationIdentifier, value: opts.orgCode },
    { oid: OID.commonName, value: opts.orgName },
  ];
  return issueEndEntity(ca, subject, opts, [keyUsage(['digitalSignature', 'nonRepudiation'])]);
}

export function issuePersonCertificate(ca: IssuedCredential, opts: PersonCertificateOptions): IssuedCredential {
  requireOrgCode(opts.orgCode);
  requireText(opts.orgName, 'orgName');
  requireText(opts.fullName, 'fullName');
  requireText(opts.position, 'position');
  const subject: NameAttribute[] = [
    { oid: OID.countryName, value: 'VN' },
    { oid: OID.organizationName, value: opts.orgName },
    { oid: OID.organizationIdentifier, value: opts.orgCode },
    { oid: OID.title, value: opts.position },
    { oid: OID.commonName, value: opts.fullName },
  ];
  return issueEndEntity(ca, subject, opts, [keyUsage(['digitalSignature', 'nonRepudiation'])]);
}

/** RFC 3161 2.3: the TSA certificate has exactly one, critical, extended key usage: timeStamping. */
export function issueTimestampingCertificate(ca: IssuedCredential, opts: TimestampingCertificateOptions): IssuedCredential {
  requireText(opts.commonName, 'commonName');
  const subject: NameAttribute[] = [{ oid: OID.countryName, value: 'VN' }];
  if (opts.orgName) subject.push({ oid: OID.organizationName, value: opts.orgName });
  subject.push({ oid: OID.commonName, value: opts.commonName });
  return issueEndEntity(ca, subject, opts, [keyUsage(['digitalSignature', 'nonRepudiation']), extendedKeyUsage([OID.kpTimeStamping], true)]);
}

export interface OcspSigningCertificateOptions extends EndEntityOptions {
  readonly commonName: string;
  readonly orgName?: string;
}

/**
 * A delegated OCSP responder (RFC 6960 4.2.2.2): issued by the CA whose certificates it answers
 * for, with the one extended key usage id-kp-OCSPSigning, and id-pkix-ocsp-nocheck so that a
 * client does not ask about the responder's own certificate. Short-lived for that reason.
 */
export function issueOcspSigningCertificate(ca: IssuedCredential, opts: OcspSigningCertificateOptions): IssuedCredential {
  requireText(opts.commonName, 'commonName');
  const subject: NameAttribute[] = [{ oid: OID.countryName, value: 'VN' }];
  if (opts.orgName) subject.push({ oid: OID.organizationName, value: opts.orgName });
  subject.push({ oid: OID.commonName, value: opts.commonName });
  return issueEndEntity(ca, subject, opts, [keyUsage(['digitalSignature']), extendedKeyUsage([OID.kpOcspSigning], false), { oid: OID.ocspNoCheck, critical: false, value: nullValue() }]);
}

interface OpenCa {
  readonly cert: ParsedCertificate;
  readonly key: KeyObject;
}

/** Loads a CA credential and refuses one that cannot issue certificates. */
export function openCa(cred: IssuedCredential, what = 'CA'): OpenCa {
  const cert = parseCertificatePem(cred.certificatePem, `${what} certificate`);
  const key = loadPrivateKey(cred.privateKeyPem);
  assertKeyMatchesCertificate(key, cert, `${what} certificate`);
  if (!cert.basicConstraints?.ca || (cert.keyUsage && !cert.keyUsage.includes('keyCertSign'))) {
    throw new PkiError('NOT_A_CA', `${what} certificate (serial ${cert.serialHex}) is not a CA certificate`);
  }
  return { cert, key };
}

function issueEndEntity(caCred: IssuedCredential, subject: NameAttribute[], opts: EndEntityOptions, usage: ExtensionSpec[]): IssuedCredential {
  const ca = openCa(caCred);
  const now = new Date();
  const notBefore = opts.notBefore ?? backdated(now);
  const defaultEnd = new Date(Math.min(now.getTime() + END_ENTITY_YEARS * YEAR_MS, ca.cert.notAfter.getTime()));
  const notAfter = opts.notAfter ?? defaultEnd;
  const keys = generateKeyPair(opts.keyAlgorithm ?? 'rsa-2048');
  const spki = keys.publicKey.export({ type: 'spki', format: 'der' });
  const extensions = [...usage, subjectKeyIdentifier(spki), ...issuerLinks(ca.cert, opts.crlUrl), ...(opts.ocspUrl ? [ocspAccess(opts.ocspUrl)] : [])];
  return issue(ca, keys, subject, notBefore, notAfter, extensions);
}

function issue(ca: OpenCa, keys: { privateKey: KeyObject; publicKey: KeyObject }, subject: NameAttribute[], notBefore: Date, notAfter: Date, extensions: ExtensionSpec[]): IssuedCredential {
  const { pem } = buildCertificate({
    subject,
    issuerNameDer: ca.cert.subject.der,
    subjectPublicKey: keys.publicKey,
    issuerPrivateKey: ca.key,
    notBefore,
    notAfter,
    extensions,
  });
  // Parse what we built: a malformed certificate must fail here, not at a relying party.
  parseCertificate(parseCertificatePem(pem).der);
  return { certificatePem: pem, privateKeyPem: exportPrivateKeyPem(keys.privateKey) };
}

function issuerLinks(issuer: ParsedCertificate, crlUrl: string | undefined): ExtensionSpec[] {
  const out: ExtensionSpec[] = [];
  if (issuer.subjectKeyId) out.push(authorityKeyIdentifier(issuer.subjectKeyId));
  if (crlUrl) out.push(crlDistributionPoint(crlUrl));
  return out;
}

function caSubject(commonName: string, organisation?: string): NameAttribute[] {
  const subject: NameAttribute[] = [{ oid: OID.countryName, value: 'VN' }];
  if (organisation) subject.push({ oid: OID.organizationName, value: organisation });
  subject.push({ oid: OID.commonName, value: commonName });
  return subject;
}

// A few minutes of slack so a relying party whose clock runs slightly behind accepts a fresh certificate.
function backdated(now: Date): Date {
  return new Date(now.getTime() - 5 * 60_000);
}

function requireText(value: string | undefined, name: string): void {
  if (typeof value !== 'string' || value.trim() === '') throw new PkiError('BAD_ARGUMENT', `${name} is required`);
}

function requireOrgCode(code: string): void {
  if (typeof code !== 'string' || !ORG_CODE.test(code)) {
    throw new PkiError('BAD_ARGUMENT', `organisation code "${String(code)}" does not have the shape ddd.dd.dd.Ldd (e.g. 000.00.00.H41)`);
  }
}
