/** The write-once ArchiveStore (the archive bucket), beside the runtime's OBJECT_STORE (the files bucket). */
export const ARCHIVE_STORE = Symbol('ARCHIVE_STORE');
