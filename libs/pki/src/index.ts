export { PkiError, type PkiErrorCode } from './errors';
export { OID, type HashName } from './asn1/oids';
export { type DistinguishedName, type NameAttribute, formatName, nameAttribute, sameName } from './asn1/name';
export { pemBlocks, toPem } from './asn1/pem';
export { type KeyAlgorithm, KEY_ALGORITHMS, generateKeyPair, describeKey, signatureAlgorithmFor, type SignatureAlgorithm } from './keys/key-algorithm';
export { loadPrivateKey, assertKeyMatchesCertificate } from './keys/private-key';
export { type KeyUsage } from './certificates/key-usage';
export {
  type ParsedCertificate,
  parseCertificate,
  parseCertificatePem,
  parseCertificatesPem,
  isSignedBy,
  describeSubject,
  organisationCodeOf,
  commonNameOf,
  positionOf,
} from './certificates/parse-certificate';
export {
  type IssuedCredential,
  type RootCaOptions,
  type IssuingCaOptions,
  type OrganisationCertificateOptions,
  type PersonCertificateOptions,
  type TimestampingCertificateOptions,
  createRootCa,
  createIssuingCa,
  issueOrganisationCertificate,
  issuePersonCertificate,
  issueTimestampingCertificate,
  issueOcspSigningCertificate,
  type OcspSigningCertificateOptions,
} from './certificates/profiles';
export { type RevokedEntry, type CrlOptions, createCrl } from './crl/create-crl';
export { type ParsedCrl, type CrlEntry, CRL_MEMO_MAX_DER, parseCrl, parseCrlsPem } from './crl/parse-crl';
export { fetchCrl, type CrlFetchOptions } from './crl/http-crl-client';
export { REVOCATION_REASONS, type RevocationReason } from './crl/revocation-reason';
export { SigningIdentity } from './identity/signing-identity';
export { type SigningKey, isSigningKey } from './identity/signing-key';
export { Pkcs11SigningKey, type Pkcs11KeyOptions } from './pkcs11/pkcs11-signing-key';
export { isTokenUnavailable } from './pkcs11/pkcs11-errors';
export { unloadPkcs11Libraries } from './pkcs11/pkcs11-library';
export { type SigningIdentityInput, loadSigningIdentity } from './identity/load-signing-identity';
export { type CmsSignOptions, type PreparedCms, signCms } from './cms/build-signed-data';
export { attribute, signatureTimestampAttribute } from './cms/attributes';
export { type ParsedSignedData, type ParsedSignerInfo, type CmsAttribute, parseSignedData, attributeValues } from './cms/parse-signed-data';
export { type SigningCertificateReference, checkSigningCertificateReference } from './cms/signing-certificate-reference';
export { parseEmbeddedCertificates, findSignerCertificate, digestAlgorithmOf, signedMessageDigest, signedContentType, verifySignerSignature } from './cms/verify-signer-info';
export { type TimestampProvider } from './timestamp/timestamp-provider';
export { LocalTimestampAuthority, type LocalTimestampAuthorityOptions, DEFAULT_TSA_POLICY } from './timestamp/local-timestamp-authority';
export { HttpTimestampClient, type HttpTimestampClientOptions } from './timestamp/http-timestamp-client';
export { buildTimeStampRequest, parseTimeStampRequest, parseTimeStampResponse, parseTstInfo, type TstInfo, type TimeStampResponse } from './timestamp/timestamp-messages';
export { type TimestampTokenVerification, verifyTimestampToken } from './timestamp/verify-timestamp-token';
export { buildCertificatePath, checkCaConstraints, validityAt, revocationStatus, type RevocationStatus, type ValidityStatus } from './validation/certificate-path';
export { type TrustedRoot, readTrustedRoots } from './trust/trusted-roots';
export { type TrustMaterial, districtTrust } from './trust/district-trust';
export { type CertId, certIdOf } from './ocsp/cert-id';
export { type OcspRequest, type OcspResponse, type CertStatus, type SingleResponse, OCSP_RESPONSE_STATUS, buildOcspRequest, parseOcspRequest, buildOcspResponse, buildOcspErrorResponse, parseOcspResponse } from './ocsp/ocsp-messages';
export { type OcspAnswer, type OcspCheckOptions, checkOcspResponse } from './ocsp/check-ocsp-response';
export { OcspResponder, type OcspResponderOptions } from './ocsp/ocsp-responder';
export { fetchOcsp, type OcspFetchOptions } from './ocsp/http-ocsp-client';
export { ocspRevocationStatus } from './ocsp/ocsp-revocation-status';
export { OnlineRevocation, type OnlineRevocationOptions, type RevocationFetch, type RevocationLookup } from './validation/online-revocation';
