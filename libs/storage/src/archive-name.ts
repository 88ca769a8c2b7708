import { InvalidArchiveNameError } from './errors';

const MAX_NAME_BYTES = 1024;
// Control characters and backslashes make names that differ between backends or escape a folder.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f\\]/;

/**
 * Checks an archive name and returns it in Unicode NFC, so that `QĐ` typed on two keyboards names
 * one object. Names are `/`-separated segments; none may be empty or start with a dot, so a name can
 * never leave the archive folder or collide with the filesystem backend's temporary files.
 */
export function normaliseArchiveName(raw: string): string {
  if (typeof raw !== 'string' || raw === '') throw new InvalidArchiveNameError(String(raw), 'it is empty');
  const name = raw.normalize('NFC');
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) throw new InvalidArchiveNameError(raw, `it is longer than ${MAX_NAME_BYTES} bytes`);
  if (FORBIDDEN.test(name)) throw new InvalidArchiveNameError(raw, 'it contains a control character or a backslash');
  for (const segment of name.split('/')) {
    if (segment === '') throw new InvalidArchiveNameError(raw, 'it has an empty path segment (leading, trailing or double "/")');
    if (segment.startsWith('.')) throw new InvalidArchiveNameError(raw, `segment "${segment}" starts with a dot`);
  }
  return name;
}

/** A list prefix may be empty or end in "/", but otherwise follows the same rules. */
export function normaliseArchivePrefix(raw: string | undefined): string {
  if (raw === undefined || raw === '') return '';
  const trimmed = raw.endsWith('/') ? raw.slice(0, -1) : raw;
  const name = normaliseArchiveName(trimmed);
  return raw.endsWith('/') ? `${name}/` : name;
}
