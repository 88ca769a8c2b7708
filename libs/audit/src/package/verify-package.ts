import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, sep } from 'node:path';
import { ARCHIVED_ENTRY_TYPE, type ArchivedObjectClaim, archivedObjectsOf } from '../chain/archived-objects';
import type { StoredCheckpoint } from '../chain/checkpoint';
import { type AuditEntryBody, parseEntryBody, type StoredEntry } from '../chain/entry';
import { type VerifiedCheckpoint, verifyCheckpoints } from '../chain/verify-checkpoints';
import { GENESIS_HASH, sha256Hex } from '../hashing';
import type { AuditProblem } from '../problems';
import { verifyDetached } from '../signature/detached-signature';
import type { AuditTrust } from '../signature/trust';
import { fileDigest } from './file-digest';
import {
  checkpointFile,
  checkpointSignatureFile,
  type DocumentProof,
  isSafePackagePath,
  MANIFEST_FILE,
  MANIFEST_SIGNATURE_FILE,
  PACKAGE_FORMAT,
  type PackageManifest,
  PROOF_FILE_NAME,
  REGISTER_PROOF_FILE,
  type RegisterProof,
} from './package-layout';

export interface PackageReport {
  ok: boolean;
  org?: string;
  from?: string;
  to?: string;
  createdAt?: string;
  /** When the manifest's signature was time-stamped. */
  signedAt?: string;
  documents: number;
  files: number;
  entries: number;
  checkpoints: number;
  problems: AuditProblem[];
  firstProblem?: AuditProblem;
}

/**
 * Checks an export package on its own, with no service running: the manifest's signature, every
 * file against the manifest, every audit entry against a signed checkpoint, each document's chain
 * from its first entry, and each archived file against the hash its `document.archived` entry holds.
 */
export function verifyPackage(dir: string, trust: AuditTrust): PackageReport {
  const problems: AuditProblem[] = [];
  const fail = (kind: AuditProblem['kind'], item: string, detail: string) => problems.push({ kind, item, detail });
  const empty = { documents: 0, files: 0, entries: 0, checkpoints: 0 };
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    fail('file', dir, 'is not a folder: give the folder `edoc archive export` wrote');
    return finish({ ...empty, problems });
  }
  const manifestBytes = readIfFile(join(dir, MANIFEST_FILE));
  if (manifestBytes === undefined) {
    fail('manifest', MANIFEST_FILE, 'missing: this is not an edoc archive package, or its manifest was deleted');
    return finish({ ...empty, problems });
  }
  let manifest: PackageManifest;
  try {
    manifest = parseManifest(manifestBytes);
  } catch (error) {
    fail('manifest', MANIFEST_FILE, `unreadable: ${(error as Error).message}`);
    return finish({ ...empty, problems });
  }

  const signature = readIfFile(join(dir, MANIFEST_SIGNATURE_FILE));
  let signedAt: string | undefined;
  if (signature === undefined) {
    fail('manifest', MANIFEST_SIGNATURE_FILE, 'missing: the manifest is not signed');
  } else {
    const check = verifyDetached(manifestBytes, signature, trust);
    for (const detail of check.problems) fail('manifest', MANIFEST_SIGNATURE_FILE, detail);
    signedAt = check.timestampedAt?.toISOString();
  }

  const { present, listed } = checkFiles(dir, manifest, fail);
  const checkpoints = loadCheckpoints(dir, manifest, trust, present, problems);
  let entries = 0;
  for (const document of manifest.documents) {
    const proofPath = `${document.folder}/${PROOF_FILE_NAME}`;
    const proof = readJson<DocumentProof>(dir, proofPath, present, listed, fail);
    if (proof === undefined) continue;
    entries += proof.entries.length;
    const claims = checkDocumentProof(proofPath, document.documentId, proof, checkpoints, fail);
    checkArchivedFiles(dir, document.folder, claims, present, manifest, fail);
  }
  const registers = listed.has(REGISTER_PROOF_FILE) ? readJson<RegisterProof>(dir, REGISTER_PROOF_FILE, present, listed, fail) : undefined;
  if (registers !== undefined) {
    entries += registers.entries.length;
    checkRegisterProof(manifest.org, registers, checkpoints, fail);
  }
  return finish({
    org: manifest.org,
    from: manifest.from,
    to: manifest.to,
    createdAt: manifest.createdAt,
    signedAt,
    documents: manifest.documents.length,
    files: manifest.files.length,
    entries,
    checkpoints: checkpoints.length,
    problems,
  });
}

type Fail = (kind: AuditProblem['kind'], item: string, detail: string) => void;

function finish(report: Omit<PackageReport, 'ok' | 'firstProblem'>): PackageReport {
  return { ...report, ok: report.problems.length === 0, firstProblem: report.problems[0] };
}

function parseManifest(bytes: Buffer): PackageManifest {
  let value: PackageManifest;
  try {
    value = JSON.parse(bytes.toString('utf8')) as PackageManifest;
  } catch {
    throw new Error('not JSON');
  }
  if (value?.format !== PACKAGE_FORMAT) throw new Error(`format is ${JSON.stringify(value?.format)}, expected ${PACKAGE_FORMAT}`);
  if (!Array.isArray(value.files) || !Array.isArray(value.documents) || !Array.isArray(value.checkpoints)) throw new Error('it lacks files, documents or checkpoints');
  return value;
}

/** Every listed file is there with its size and hash; nothing is there that is not listed. */
function checkFiles(dir: string, manifest: PackageManifest, fail: Fail): { present: Set<string>; listed: Set<string> } {
  const listed = new Set<string>();
  const good = new Set<string>();
  for (const file of manifest.files) {
    if (!isSafePackagePath(file.path)) {
      fail('manifest', MANIFEST_FILE, `lists ${JSON.stringify(file.path)}, which is not a path inside the package`);
      continue;
    }
    listed.add(file.path);
    const digest = fileDigest(join(dir, ...file.path.split('/')));
    if (digest === undefined) {
      fail('file', file.path, 'missing: the manifest lists it but the package does not contain it');
    } else if (digest.size !== file.size || digest.sha256 !== file.sha256) {
      fail('file', file.path, `altered: its SHA-256 is ${digest.sha256} (${digest.size} bytes), the manifest says ${file.sha256} (${file.size} bytes)`);
    } else {
      good.add(file.path);
    }
  }
  for (const path of listFiles(dir)) {
    if (path === MANIFEST_FILE || path === MANIFEST_SIGNATURE_FILE || listed.has(path)) continue;
    fail('file', path, 'not in the manifest: it was added to the package');
  }
  return { present: good, listed };
}

function loadCheckpoints(dir: string, manifest: PackageManifest, trust: AuditTrust, present: Set<string>, problems: AuditProblem[]): VerifiedCheckpoint[] {
  const stored: StoredCheckpoint[] = [];
  for (const checkpointNumber of manifest.checkpoints) {
    const bodyPath = checkpointFile(checkpointNumber);
    const signaturePath = checkpointSignatureFile(checkpointNumber);
    if (!present.has(bodyPath) || !present.has(signaturePath)) continue; // already reported as missing or altered
    stored.push({ number: checkpointNumber, body: readFileSync(join(dir, ...bodyPath.split('/')), 'utf8'), signature: readFileSync(join(dir, ...signaturePath.split('/'))) });
  }
  const result = verifyCheckpoints(stored, trust, { complete: false, itemName: checkpointFile });
  problems.push(...result.problems);
  return result.checkpoints;
}

function readJson<T>(dir: string, path: string, present: Set<string>, listed: Set<string>, fail: Fail): T | undefined {
  if (!present.has(path)) {
    // A listed file that is missing or altered has been reported already.
    if (!listed.has(path)) fail('proof', path, 'missing: the manifest lists no audit proof for this document');
    return undefined;
  }
  try {
    const value = JSON.parse(readFileSync(join(dir, ...path.split('/')), 'utf8')) as { entries?: unknown };
    if (!Array.isArray(value.entries)) throw new Error('it lists no entries');
    return value as T;
  } catch (error) {
    fail('proof', path, `unreadable: ${(error as Error).message}`);
    return undefined;
  }
}

/** Each entry is signed by a checkpoint and the document's chain is whole from its first entry; returns the archived objects it names. */
function checkDocumentProof(path: string, documentId: string, proof: DocumentProof, checkpoints: readonly VerifiedCheckpoint[], fail: Fail): ArchivedObjectClaim[] {
  const claims: ArchivedObjectClaim[] = [];
  let previous = { docSeq: 0, hash: GENESIS_HASH };
  for (const entry of proof.entries) {
    const body = checkEntry(path, entry, checkpoints, fail);
    if (body === undefined) return claims;
    if (body.documentId !== documentId) {
      fail('proof', path, `entry ${entry.seq} belongs to document ${body.documentId}, not ${documentId}`);
      return claims;
    }
    if (body.docSeq !== previous.docSeq + 1 || body.docPrevHash !== previous.hash) {
      fail('proof', path, `entry ${entry.seq} is not the document's entry ${previous.docSeq + 1} linked to the one before: an entry of the document is missing`);
      return claims;
    }
    previous = { docSeq: body.docSeq, hash: entry.hash };
    if (body.type === ARCHIVED_ENTRY_TYPE) {
      try {
        claims.push(...archivedObjectsOf(body));
      } catch (error) {
        fail('proof', path, `entry ${entry.seq}: ${(error as Error).message}`);
      }
    }
  }
  if (claims.length === 0) fail('proof', path, 'has no document.archived entry: nothing proves which files were archived');
  return claims;
}

function checkRegisterProof(org: string, proof: RegisterProof, checkpoints: readonly VerifiedCheckpoint[], fail: Fail): void {
  for (const entry of proof.entries) {
    const body = checkEntry(REGISTER_PROOF_FILE, entry, checkpoints, fail);
    if (body !== undefined && !body.orgCodes.includes(org)) fail('proof', REGISTER_PROOF_FILE, `entry ${entry.seq} does not concern unit ${org}`);
  }
}

/** The entry is intact and its hash is the one a trusted checkpoint of the package signed. */
function checkEntry(path: string, entry: StoredEntry, checkpoints: readonly VerifiedCheckpoint[], fail: Fail): AuditEntryBody | undefined {
  const problem = (detail: string): undefined => {
    fail('proof', path, detail);
    return undefined;
  };
  if (typeof entry?.body !== 'string' || typeof entry.hash !== 'string') return problem('an entry has no body or hash');
  const actual = sha256Hex(entry.body);
  if (actual !== entry.hash) return problem(`entry ${entry.seq}: its content does not match its hash (altered)`);
  let body: AuditEntryBody;
  try {
    body = parseEntryBody(entry.body);
  } catch (error) {
    return problem(`entry ${entry.seq}: ${(error as Error).message}`);
  }
  const checkpoint = checkpoints.find((c) => c.parsed.firstSeq <= body.seq && body.seq <= c.parsed.lastSeq);
  if (checkpoint === undefined) return problem(`entry ${body.seq}: no checkpoint in the package covers it, so nothing signed proves it`);
  if (checkpoint.parsed.entryHashes[body.seq - checkpoint.parsed.firstSeq] !== actual) return problem(`entry ${body.seq}: differs from the hash signed in ${checkpointFile(checkpoint.number)}`);
  if (!checkpoint.trusted) return problem(`entry ${body.seq}: the checkpoint that covers it (${checkpointFile(checkpoint.number)}) is not validly signed`);
  return body;
}

/** Each file the archive recorded for the document is in its folder with exactly the recorded hash. */
function checkArchivedFiles(dir: string, folder: string, claims: readonly ArchivedObjectClaim[], present: Set<string>, manifest: PackageManifest, fail: Fail): void {
  for (const claim of claims) {
    const path = `${folder}/${posix.basename(claim.name)}`;
    const listed = manifest.files.find((file) => file.path === path);
    if (listed === undefined) {
      fail('file', path, `missing from the manifest although the audit chain recorded it as archived (entry ${claim.entrySeq})`);
    } else if (listed.sha256 !== claim.sha256) {
      fail('file', path, `differs from the archived original: the manifest says SHA-256 ${listed.sha256}, the audit chain recorded ${claim.sha256} (entry ${claim.entrySeq})`);
    } else if (present.has(path) && fileDigest(join(dir, ...path.split('/')))?.sha256 !== claim.sha256) {
      fail('file', path, `differs from the archived original recorded in entry ${claim.entrySeq}`);
    }
  }
}

function readIfFile(path: string): Buffer | undefined {
  try {
    return statSync(path).isFile() ? readFileSync(path) : undefined;
  } catch {
    return undefined;
  }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.replace(/\/$/, '').length + 1).split(sep).join('/'));
}
