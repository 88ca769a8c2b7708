import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type ValidationData, addValidationDataFile, onlineValidationData, timestampPdfFile, verifyPdf } from '@edoc/pdf-sign';
import type { ArchiveStore } from '@edoc/storage';
import { timestampHorizon } from '../domain/timestamp-horizon';
import type { ArchivedObject } from '../repositories/records.repository';
import type { ArchiveKeysService } from './archive-keys.service';

/** A renewed copy in the scratch folder, ready to be archived; or why there is none. */
export type RenewedCopy =
  | { kind: 'made'; object: ArchivedObject; path: string; horizon: Date }
  | { kind: 'blocked'; reason: string; horizon?: Date }
  /** An attachment without a signature: nothing in it needs a proof of existence the audit chain does not give. */
  | { kind: 'unsigned' };

export interface CopyTarget {
  /** The archive name of the copy, given its SHA-256 (the digest in the name: a copy written by an attempt that failed never blocks the next). */
  readonly nameFor: (sha256: string) => string;
  readonly role: ArchivedObject['role'];
  /** For a renewed attachment: the attachment it renews. */
  readonly of?: string;
}

/**
 * One archived PDF's current copy, checked against its digest, with the district's latest validation
 * data and a new document time-stamp (PAdES B-LTA renewal), verified before it is kept.
 */
export async function makeRenewedCopy(
  from: { keys: ArchiveKeysService; archive: ArchiveStore },
  source: ArchivedObject,
  target: CopyTarget,
  dir: string,
  now: Date,
  options: { skipUnsigned: boolean },
): Promise<RenewedCopy> {
  const work = (step: string) => join(dir, `${createHash('sha256').update(source.name).digest('hex').slice(0, 16)}-${step}.pdf`);
  const input = await copyOut(from.archive, source, work('current'));
  const copied = await sha256Of(input);
  if (copied !== source.sha256) return { kind: 'blocked', reason: `the archived copy ${source.name} has SHA-256 ${copied}, not the ${source.sha256} its record and the audit chain hold` };
  if (options.skipUnsigned && verifyPdf(input, from.keys.trust()).signatures.length === 0) return { kind: 'unsigned' };
  const withData = work('with-validation-data');
  addValidationDataFile(input, withData, await validationDataFor(input, from.keys), { durable: false });
  const path = work('renewed');
  await timestampPdfFile(withData, path, { timestamp: from.keys.timestampSource(), durable: false });
  const report = verifyPdf(path, { ...from.keys.trust(), at: now });
  const newest = [...report.signatures].sort((a, b) => (b.signedLength ?? 0) - (a.signedLength ?? 0))[0];
  if (newest?.kind !== 'document-timestamp' || newest.indication !== 'TOTAL_PASSED') {
    return { kind: 'blocked', reason: `the new document time-stamp of ${source.name} does not validate: ${newest?.checks.filter((c) => c.status === 'fail').map((c) => c.detail).join('; ') ?? 'none was found'}` };
  }
  const horizon = timestampHorizon(report);
  if (horizon === undefined) return { kind: 'blocked', reason: `the new document time-stamp of ${source.name} gives no horizon` };
  const sha256 = await sha256Of(path);
  const object: ArchivedObject = { name: target.nameFor(sha256), sha256, size: (await stat(path)).size, role: target.role, mediaType: 'application/pdf', ...(target.of === undefined ? {} : { of: target.of }) };
  return { kind: 'made', object, path, horizon };
}

/**
 * The district's certificates and CRLs, and for signatures under another trusted CA what its
 * certificates point to (fetched, EDOC_REVOCATION_FETCH_TIMEOUT_MS): the copy then validates offline.
 */
async function validationDataFor(path: string, keys: ArchiveKeysService): Promise<ValidationData> {
  const district = keys.validationData();
  if (keys.onlineRevocation === undefined) return district;
  const fetched = await onlineValidationData(path, keys.trust(), keys.onlineRevocation);
  return { certificates: [...district.certificates, ...fetched.certificates], crls: [...district.crls, ...fetched.crls], ocspResponses: fetched.ocspResponses };
}

/** An archived object streamed into a scratch file: documents are never held whole. */
export async function copyOut(archive: ArchiveStore, object: ArchivedObject, path: string): Promise<string> {
  await pipeline(await archive.getStream(object.name), createWriteStream(path));
  return path;
}

export async function sha256Of(source: string | Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of typeof source === 'string' ? createReadStream(source) : source) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
