import { posix } from 'node:path';
import type { StoredCheckpoint } from '../chain/checkpoint';
import type { StoredEntry } from '../chain/entry';
import { sha256Hex } from '../hashing';
import {
  checkpointFile,
  checkpointSignatureFile,
  documentFolder,
  type DocumentProof,
  type ManifestFile,
  PACKAGE_FORMAT,
  type PackageManifest,
  PROOF_FILE_NAME,
  REGISTER_PROOF_FILE,
  type RegisterProof,
} from './package-layout';

export interface PackageDocumentInput {
  documentId: string;
  edxmlDocumentId: string;
  issuedDate: string;
  retentionClass: string;
  /** The archived objects, with the SHA-256 and size the audit chain recorded. */
  objects: { name: string; sha256: string; size: number }[];
  /** Every audit entry of the document, in order. */
  entries: StoredEntry[];
}

export interface PackageInput {
  org: string;
  from: string;
  to: string;
  createdAt: Date;
  exportedBy: string;
  documents: PackageDocumentInput[];
  registerEntries: StoredEntry[];
  /** Checkpoints that cover every entry above. */
  checkpoints: StoredCheckpoint[];
  /** For the reader's convenience (certs/<name>); a verifier never trusts them. */
  certificates: { name: string; pem: string }[];
}

/** A file the package carries that comes from the write-once archive: fetched by its archive name. */
export interface PackageObjectFile extends ManifestFile {
  archiveName: string;
}

export interface AssembledPackage {
  manifest: PackageManifest;
  /** The exact bytes of manifest.json: the archive signs these. */
  manifestBytes: Buffer;
  /** Files made for the package (proofs, checkpoints, certificates), with their bytes. */
  generated: { path: string; bytes: Buffer }[];
  objects: PackageObjectFile[];
}

/** Lays out a package and its manifest; the archived files are listed by name, to be copied as they are. */
export function assemblePackage(input: PackageInput): AssembledPackage {
  const generated: { path: string; bytes: Buffer }[] = [];
  const objects: PackageObjectFile[] = [];
  const addJson = (path: string, value: unknown) => generated.push({ path, bytes: Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8') });
  for (const document of input.documents) {
    const folder = documentFolder(document.documentId);
    for (const object of document.objects) {
      objects.push({ path: `${folder}/${posix.basename(object.name)}`, sha256: object.sha256, size: object.size, archiveName: object.name });
    }
    addJson(`${folder}/${PROOF_FILE_NAME}`, { documentId: document.documentId, entries: document.entries } satisfies DocumentProof);
  }
  addJson(REGISTER_PROOF_FILE, { org: input.org, entries: input.registerEntries } satisfies RegisterProof);
  for (const checkpoint of input.checkpoints) {
    generated.push({ path: checkpointFile(checkpoint.number), bytes: Buffer.from(checkpoint.body, 'utf8') });
    generated.push({ path: checkpointSignatureFile(checkpoint.number), bytes: checkpoint.signature });
  }
  for (const certificate of input.certificates) generated.push({ path: `certs/${certificate.name}`, bytes: Buffer.from(certificate.pem, 'utf8') });

  const files: ManifestFile[] = [
    ...objects.map(({ path, sha256, size }) => ({ path, sha256, size })),
    ...generated.map(({ path, bytes }) => ({ path, sha256: sha256Hex(bytes), size: bytes.length })),
  ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest: PackageManifest = {
    format: PACKAGE_FORMAT,
    org: input.org,
    from: input.from,
    to: input.to,
    createdAt: input.createdAt.toISOString(),
    exportedBy: input.exportedBy,
    documents: input.documents.map((d) => ({ documentId: d.documentId, edxmlDocumentId: d.edxmlDocumentId, folder: documentFolder(d.documentId), issuedDate: d.issuedDate, retentionClass: d.retentionClass })),
    checkpoints: input.checkpoints.map((c) => c.number).sort((a, b) => a - b),
    files,
  };
  return { manifest, manifestBytes: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'), generated, objects };
}
