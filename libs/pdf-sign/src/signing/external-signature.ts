import { createHash, verify } from 'node:crypto';
import { closeSync, copyFileSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { describeKey, type ParsedCertificate, signatureAlgorithmFor, type SignatureAlgorithm, type SigningKey, type TimestampProvider } from '@edoc/pki';
import { PdfSignError } from '../errors';
import { createPadesCms, estimateCmsSize } from './create-cms';
import { type SignFileOptions, signPdfFile } from './sign-pdf';

/** The signer's certificate and its chain, without the key: the key is on the signer's own token. */
export interface ExternalSigner {
  readonly certificate: ParsedCertificate;
  readonly chain: readonly ParsedCertificate[];
}

export interface PreparedExternalSignature {
  readonly fieldName: string;
  /** DER of the CAdES signed attributes (a SET): what the signer's token signs. */
  readonly signedAttributes: Buffer;
  /** SHA-256 of the signed attributes, for clients that sign a digest (and to show the signer). */
  readonly signedAttributesDigest: Buffer;
  readonly signatureAlgorithm: SignatureAlgorithm;
}

/** Base of the two stand-in keys: the certificate's algorithm, without any private key. */
abstract class KeylessSigner implements SigningKey {
  readonly keyAlgorithm: string;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly signatureSize: number;

  constructor(readonly certificate: ParsedCertificate, readonly chain: readonly ParsedCertificate[]) {
    const described = describeKey(certificate.publicKey);
    this.keyAlgorithm = described.label;
    this.signatureSize = described.signatureSize;
    this.signatureAlgorithm = signatureAlgorithmFor(certificate.publicKey);
  }

  abstract sign(data: Buffer): Buffer;
}

/** Records what it is asked to sign and answers with zeros of the right size: phase one. */
class CapturingSigner extends KeylessSigner {
  captured: Buffer | undefined;

  sign(data: Buffer): Buffer {
    this.captured = Buffer.from(data);
    return Buffer.alloc(this.signatureSize);
  }
}

/** Answers with the signature the token made, for exactly the attributes it was made over: phase two. */
class ReplayingSigner extends KeylessSigner {
  constructor(certificate: ParsedCertificate, chain: readonly ParsedCertificate[], private readonly expected: Buffer, private readonly signature: Buffer) {
    super(certificate, chain);
  }

  sign(data: Buffer): Buffer {
    if (!data.equals(this.expected)) throw new PdfSignError('SIGNATURE_MISMATCH', 'the prepared document changed since it was prepared: its signed attributes differ');
    return this.signature;
  }
}

/**
 * Phase one of signing with a key edoc never holds (the signer's USB token): the signature field,
 * its appearance and a /Contents placeholder big enough for the final CMS and its time-stamp are
 * written as an incremental update, and the signed attributes over the document's byte ranges are
 * returned for the token to sign. Nothing in them depends on the time of phase two.
 */
export async function prepareExternalSignatureFile(
  inputPath: string,
  outputPath: string,
  opts: Omit<SignFileOptions, 'identity' | 'signatureSize' | 'timestamp'> & { signer: ExternalSigner; timestamp?: TimestampProvider },
): Promise<PreparedExternalSignature> {
  const capture = new CapturingSigner(opts.signer.certificate, opts.signer.chain);
  const { timestamp, ...rest } = opts;
  const signed = await signPdfFile(inputPath, outputPath, { ...rest, identity: capture, signatureSize: estimateCmsSize(capture, timestamp) });
  if (capture.captured === undefined) throw new PdfSignError('BAD_ARGUMENT', 'no signed attributes were produced');
  return {
    fieldName: signed.fieldName,
    signedAttributes: capture.captured,
    signedAttributesDigest: createHash(capture.signatureAlgorithm.hash).update(capture.captured).digest(),
    signatureAlgorithm: capture.signatureAlgorithm,
  };
}

/** Whether `signature` is the certificate's key's signature of the signed attributes. */
export function externalSignatureMatches(signer: ExternalSigner, signedAttributes: Buffer, signature: Buffer): boolean {
  try {
    return verify(signatureAlgorithmFor(signer.certificate.publicKey).hash, signedAttributes, signer.certificate.publicKey, signature);
  } catch {
    return false;
  }
}

const TAIL = 4 * 1024 * 1024;
const CHUNK = 1 << 20;

/**
 * Phase two: checks the token's signature against the signer's certificate (a signature by any
 * other key is refused), builds the CMS around it (with a signature time-stamp when a provider is
 * given) and writes it into the placeholder of the prepared file's last signature, as a copy at
 * `outputPath`. The prepared file's bytes are hashed again, so a file changed in between is refused.
 */
export async function completeExternalSignatureFile(
  preparedPath: string,
  outputPath: string,
  opts: { signer: ExternalSigner; signedAttributes: Buffer; signature: Buffer; timestamp?: TimestampProvider },
): Promise<void> {
  if (!externalSignatureMatches(opts.signer, opts.signedAttributes, opts.signature)) {
    throw new PdfSignError('SIGNATURE_MISMATCH', "the signature does not verify with the signer's certificate: it was made with another key or over other data");
  }
  const fd = openSync(preparedPath, 'r');
  let range: [number, number, number, number];
  let digest: Buffer;
  try {
    const size = fstatSync(fd).size;
    range = lastByteRange(fd, size);
    const [a, b, c, d] = range;
    if (a !== 0 || c + d !== size || b >= c) throw new PdfSignError('SIGNATURE_MISMATCH', 'the prepared file does not end with the prepared signature');
    const hash = createHash('sha256');
    hashRange(fd, a, b, hash);
    hashRange(fd, c, d, hash);
    digest = hash.digest();
  } finally {
    closeSync(fd);
  }
  const replay = new ReplayingSigner(opts.signer.certificate, opts.signer.chain, opts.signedAttributes, opts.signature);
  const cms = await createPadesCms(replay, digest, opts.timestamp);
  const [, b, c] = range;
  const room = c - b - 2;
  const hex = Buffer.from(cms.toString('hex'));
  if (hex.length > room) throw new PdfSignError('SIGNATURE_TOO_LARGE', `the signature needs ${hex.length / 2} bytes, the placeholder holds ${room / 2}`);
  const contents = Buffer.alloc(room, '0');
  hex.copy(contents);
  copyFileSync(preparedPath, outputPath);
  const out = openSync(outputPath, 'r+');
  try {
    for (let done = 0; done < contents.length; ) done += writeSync(out, contents, done, contents.length - done, b + 1 + done);
  } finally {
    closeSync(out);
  }
}

function lastByteRange(fd: number, size: number): [number, number, number, number] {
  const start = Math.max(0, size - TAIL);
  const tail = Buffer.alloc(size - start);
  readSync(fd, tail, 0, tail.length, start);
  const matches = [...tail.toString('latin1').matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  const last = matches.at(-1);
  if (last === undefined) throw new PdfSignError('SIGNATURE_MISMATCH', 'the prepared file holds no prepared signature');
  return [Number(last[1]), Number(last[2]), Number(last[3]), Number(last[4])];
}

function hashRange(fd: number, offset: number, length: number, hash: ReturnType<typeof createHash>): void {
  const buf = Buffer.allocUnsafe(CHUNK);
  for (let pos = offset, end = offset + length; pos < end; ) {
    const n = readSync(fd, buf, 0, Math.min(CHUNK, end - pos), pos);
    if (n === 0) throw new PdfSignError('IO_ERROR', 'the prepared file is shorter than its byte range');
    hash.update(buf.subarray(0, n));
    pos += n;
  }
}
