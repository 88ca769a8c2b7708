/** Anything that can obtain an RFC 3161 TimeStampToken for a digest. */
export interface TimestampProvider {
  /** Returns the TimeStampToken (a CMS ContentInfo, DER) over the given digest. */
  timestamp(messageImprint: Buffer, hashAlgorithm: 'sha256'): Promise<Buffer>;
  /** An upper estimate of the token size in bytes, to size the PDF signature placeholder. */
  estimatedTokenSize?(): number;
}
