import { createHash, randomBytes } from 'node:crypto';
import { OID, OID_BY_HASH } from '../asn1/oids';
import { signCms } from '../cms/build-signed-data';
import { PkiError } from '../errors';
import type { SigningIdentity } from '../identity/signing-identity';
import { buildTimeStampResponse, buildTstInfo, parseTimeStampRequest } from './timestamp-messages';
import type { TimestampProvider } from './timestamp-provider';

/** A UUID-based OID (X.667, arc 2.25), so no registered arc is borrowed. */
export const DEFAULT_TSA_POLICY = '2.25.279971461672069902030527273484586994455';

export interface LocalTimestampAuthorityOptions {
  readonly policyOid?: string;
  readonly clock?: () => Date;
  readonly accuracySeconds?: number;
}

const PKI_STATUS_GRANTED = 0;
const PKI_STATUS_REJECTION = 2;

/**
 * The time-stamping authority the signing service runs itself (RFC 3161): `timestamp()` for
 * in-process use, `respond()` to serve application/timestamp-query over HTTP.
 */
export class LocalTimestampAuthority implements TimestampProvider {
  private readonly policy: string;
  private readonly clock: () => Date;

  constructor(
    private readonly identity: SigningIdentity,
    private readonly options: LocalTimestampAuthorityOptions = {},
  ) {
    const eku = identity.certificate.extKeyUsage;
    if (!eku || !eku.includes(OID.kpTimeStamping)) {
      throw new PkiError('BAD_CERTIFICATE', `certificate ${identity.certificate.serialHex} cannot be used by a time-stamping authority: it lacks the timeStamping extended key usage`);
    }
    this.policy = options.policyOid ?? DEFAULT_TSA_POLICY;
    this.clock = options.clock ?? (() => new Date());
  }

  async timestamp(messageImprint: Buffer, hashAlgorithm: 'sha256'): Promise<Buffer> {
    if (hashAlgorithm !== 'sha256' || messageImprint.length !== 32) throw new PkiError('BAD_ARGUMENT', 'time-stamp imprint must be a SHA-256 digest');
    return this.issueToken(OID_BY_HASH.sha256, messageImprint, undefined, true);
  }

  estimatedTokenSize(): number {
    const certs = [this.identity.certificate, ...this.identity.chain].reduce((n, c) => n + c.der.length, 0);
    return certs + this.identity.signatureSize + 1200;
  }

  /** Answers a DER TimeStampReq with a DER TimeStampResp; a bad request gets a rejection, never a throw. */
  respond(timeStampReqDer: Buffer): Buffer {
    let req;
    try {
      req = parseTimeStampRequest(timeStampReqDer);
    } catch (e) {
      return buildTimeStampResponse({ status: PKI_STATUS_REJECTION, statusText: `malformed request: ${(e as Error).message}`, failInfo: 'badDataFormat' });
    }
    if (!req.hash || req.hash === 'sha1' || createHash(req.hash).digest().length !== req.hashedMessage.length) {
      return buildTimeStampResponse({ status: PKI_STATUS_REJECTION, statusText: 'unsupported hash algorithm or wrong imprint length', failInfo: 'badAlg' });
    }
    if (req.policy && req.policy !== this.policy) {
      return buildTimeStampResponse({ status: PKI_STATUS_REJECTION, statusText: `policy ${req.policy} is not offered`, failInfo: 'unacceptedPolicy' });
    }
    if (req.hasExtensions) {
      return buildTimeStampResponse({ status: PKI_STATUS_REJECTION, statusText: 'request extensions are not supported', failInfo: 'unacceptedExtension' });
    }
    const token = this.issueToken(req.hashOid, req.hashedMessage, req.nonceHex, req.certReq);
    return buildTimeStampResponse({ status: PKI_STATUS_GRANTED, token });
  }

  private issueToken(hashOid: string, hashedMessage: Buffer, nonceHex: string | undefined, includeCerts: boolean): Buffer {
    const serial = randomBytes(16);
    serial[0] &= 0x7f;
    const tstInfo = buildTstInfo({
      policy: this.policy,
      hashOid,
      hashedMessage,
      serial,
      genTime: this.clock(),
      accuracySeconds: this.options.accuracySeconds ?? 1,
      nonceHex,
    });
    const digest = createHash(this.identity.signatureAlgorithm.hash).update(tstInfo).digest();
    return signCms({ identity: this.identity, contentDigest: digest, contentType: OID.tstInfo, eContent: tstInfo, includeChain: includeCerts }).encode();
  }
}
