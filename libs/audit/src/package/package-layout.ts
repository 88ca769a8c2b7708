import type { StoredEntry } from '../chain/entry';

/**
 * An export package is a folder:
 *
 *   manifest.json                   what is in it, with the SHA-256 and size of every other file
 *   manifest.json.p7s               the archive's signature over manifest.json, time-stamped
 *   documents/<id>/document.pdf     the issued PDF with both signatures, as archived
 *   documents/<id>/attachment-N.pdf
 *   documents/<id>/metadata.json    and metadata.xml (Decree 30 Annex VI field names)
 *   documents/<id>/verification-report.json
 *   documents/<id>/audit-proof.json every audit entry of the document (DocumentProof)
 *   registers/audit-proof.json      the unit's register entries, electronic and paper (RegisterProof)
 *   checkpoints/<n>.json, .p7s      the signed checkpoints that cover those entries
 *   certs/*.pem                     the archive, issuing CA and root certificates, for reference only
 */
export const PACKAGE_FORMAT = 'edoc-archive-package/1';
export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_SIGNATURE_FILE = 'manifest.json.p7s';
export const REGISTER_PROOF_FILE = 'registers/audit-proof.json';
export const PROOF_FILE_NAME = 'audit-proof.json';

export interface ManifestFile {
  path: string;
  sha256: string;
  size: number;
}

export interface ManifestDocument {
  documentId: string;
  edxmlDocumentId: string;
  /** "documents/<documentId>". */
  folder: string;
  issuedDate: string;
  retentionClass: string;
}

export interface PackageManifest {
  format: typeof PACKAGE_FORMAT;
  org: string;
  /** Inclusive dates of issue, yyyy-MM-dd. */
  from: string;
  to: string;
  createdAt: string;
  exportedBy: string;
  documents: ManifestDocument[];
  checkpoints: number[];
  files: ManifestFile[];
}

/** audit-proof.json of a document: all its entries, in order, each provable by a checkpoint of the package. */
export interface DocumentProof {
  documentId: string;
  entries: StoredEntry[];
}

/** registers/audit-proof.json: the register entries (electronic and paper) of the unit in the period. */
export interface RegisterProof {
  org: string;
  entries: StoredEntry[];
}

export function documentFolder(documentId: string): string {
  return `documents/${documentId}`;
}

export function checkpointFile(checkpointNumber: number): string {
  return `checkpoints/${String(checkpointNumber).padStart(6, '0')}.json`;
}

export function checkpointSignatureFile(checkpointNumber: number): string {
  return `${checkpointFile(checkpointNumber)}.p7s`;
}

/** A manifest path must stay inside the package: relative, "/"-separated, no "." or ".." segment. */
export function isSafePackagePath(path: string): boolean {
  if (typeof path !== 'string' || path === '' || path.startsWith('/') || path.includes('\\') || path.includes('\0')) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}
