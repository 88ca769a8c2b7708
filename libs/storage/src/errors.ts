/** Base of every error this library throws on purpose; `code` is stable for callers and HTTP mapping. */
export class StorageError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ObjectNotFoundError extends StorageError {
  constructor(readonly key: string) {
    super('OBJECT_NOT_FOUND', `object "${key}" does not exist`);
  }
}

export class InvalidObjectKeyError extends StorageError {
  constructor(readonly key: string) {
    super('INVALID_OBJECT_KEY', `"${key}" is not an object key: expected sha256/<64 lower-case hex digits>`);
  }
}

export class InvalidArchiveNameError extends StorageError {
  constructor(
    readonly archiveName: string,
    reason: string,
  ) {
    super('INVALID_ARCHIVE_NAME', `archive name "${archiveName}" is not allowed: ${reason}`);
  }
}

export class ChecksumMismatchError extends StorageError {
  constructor(
    readonly expectedSha256: string,
    readonly actualSha256: string,
  ) {
    super('CHECKSUM_MISMATCH', `content hashes to sha256 ${actualSha256}, expected ${expectedSha256}; nothing was stored`);
  }
}

export class ObjectTooLargeError extends StorageError {
  constructor(readonly maxBytes: number) {
    super('OBJECT_TOO_LARGE', `content is larger than the limit of ${maxBytes} bytes; nothing was stored`);
  }
}

export class ArchiveConflictError extends StorageError {
  constructor(readonly archiveName: string) {
    super('ARCHIVE_CONFLICT', `archive object "${archiveName}" already exists with different content; archived objects are never overwritten`);
  }
}

/** The backend could not be reached or refused the request; the message never carries credentials. */
export class StorageBackendError extends StorageError {
  constructor(message: string, cause: unknown) {
    super('STORAGE_BACKEND', message, { cause });
  }
}
