import { redactUrl } from '@edoc/config';

/** Rejects a URL pg would misread, naming the problem and never the password. */
export function assertPostgresUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`invalid database URL ${redactUrl(url)}: expected postgres://user@host:port/database`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`invalid database URL ${redactUrl(url)}: the scheme must be postgres:// or postgresql://`);
  }
  if (parsed.hostname === '') {
    throw new Error(`invalid database URL ${redactUrl(url)}: no host`);
  }
}

/** The same server and credentials, another database: for creating and dropping databases. */
export function withDatabase(url: string, database: string): string {
  assertPostgresUrl(url);
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** The database a URL names (pg's default is the user name when the path is empty). */
export function databaseName(url: string): string {
  assertPostgresUrl(url);
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return name !== '' ? name : decodeURIComponent(parsed.username);
}
