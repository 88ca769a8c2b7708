export const ARCHIVE_STORE = Symbol('ARCHIVE_STORE');
