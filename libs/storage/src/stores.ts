import type { Readable } from 'node:stream';

/** A content-addressed object: the key is `sha256/<hex>` of its bytes. */
export interface StoredObject {
  key: string;
  sha256: string;
  size: number;
}

export interface PutOptions {
  /** Kept as the object's Content-Type on S3; the filesystem backend does not record it. */
  mediaType?: string;
  /** When given, the bytes must hash to it or nothing is stored. */
  expectedSha256?: string;
  /** Refuse input larger than this many bytes; nothing is stored then. */
  maxBytes?: number;
}

/**
 * Files of the exchange, one copy per content however many recipients. Every method that names an
 * object takes a key as returned by `put` and rejects any other shape.
 */
export interface ObjectStore {
  /** Hashes while writing; the same bytes give the same key and no second copy; never a partial object. */
  put(data: Buffer | Readable, opts?: PutOptions): Promise<StoredObject>;
  /**
   * Stores the local file at `path` and takes it: once this succeeds the path is gone. The
   * filesystem backend moves the file into place when it can (no copy: creating a file is the
   * dearest thing it does); nothing may write to the file meanwhile. On failure the file stays.
   */
  putFile(path: string, opts?: PutOptions): Promise<StoredObject>;
  /** Throws ObjectNotFoundError when absent. */
  get(key: string): Promise<Buffer>;
  /** Throws ObjectNotFoundError when absent (before any byte is read). */
  getStream(key: string): Promise<Readable>;
  stat(key: string): Promise<{ size: number } | undefined>;
  exists(key: string): Promise<boolean>;
  /** Removing an absent object is not an error. */
  delete(key: string): Promise<void>;
  /** Re-reads the bytes and compares their SHA-256 with the key; throws ObjectNotFoundError when absent. */
  verify(key: string): Promise<boolean>;
  /** Every object's key (sha256/<hex>), sorted: what a backup copies. */
  list(): Promise<string[]>;
}

/** How an archived object is protected against change. */
export type LockKind = 'object-lock' | 'read-only-file' | 'none';

export interface ArchivePutOptions {
  /** Undefined means kept permanently (S3: legal hold; filesystem: read-only file). */
  retainUntil?: Date;
  mediaType?: string;
}

export interface ArchivedObject {
  key: string;
  sha256: string;
  locked: LockKind;
}

/** Write-once storage of issued documents under caller-chosen names such as `2025/000.00.13.H26/05-QĐ-UBND.pdf`. */
export interface ArchiveStore {
  /**
   * Stores `data` under `name` unless that name exists. Storing the same bytes again under the same name
   * succeeds (a redelivered message must not fail); different bytes throw ArchiveConflictError. A stream
   * is hashed on the way and never held whole; a stream that fails leaves nothing under the name.
   */
  putOnce(name: string, data: Buffer | Readable, opts?: ArchivePutOptions): Promise<ArchivedObject>;
  /** The whole object in memory: for small ones (records, checkpoints); use getStream for documents. */
  get(name: string): Promise<Buffer>;
  /** Throws ObjectNotFoundError when absent (before any byte is read). */
  getStream(name: string): Promise<Readable>;
  stat(name: string): Promise<{ size: number } | undefined>;
  /** Names starting with `prefix`, sorted. */
  list(prefix?: string): Promise<string[]>;
  /** True when the backend enforces retention itself (S3 Object Lock); services report it at start. */
  objectLockSupported(): Promise<boolean>;
}
