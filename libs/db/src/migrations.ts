import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Database } from './database';
import { errorMessage } from './pg-errors';
import type { Queryable } from './queryable';

export interface MigrationOptions {
  /** The service's own schema; created when missing. */
  schema: string;
  /** Folders of plain `.sql` files; all files are applied together, in file-name order. */
  directories: string[];
}

export interface MigrationFile {
  name: string;
  path: string;
  sql: string;
  checksum: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * `:schema` in a migration stands for the schema name, so a shared migration (the messaging
 * outbox and inbox) lands in each service's own schema. A `::cast` is left alone.
 */
const SCHEMA_PLACEHOLDER = /(?<![:\w]):schema\b/g;

export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid schema name "${schema}": use lower-case letters, digits and _, starting with a letter`);
  }
}

export function renderMigration(sql: string, schema: string): string {
  assertSchemaName(schema);
  return sql.replace(SCHEMA_PLACEHOLDER, schema);
}

/** Reads every `.sql` file of the folders, sorted by file name; a name used twice is an error. */
export async function loadMigrations(directories: string[]): Promise<MigrationFile[]> {
  const byName = new Map<string, MigrationFile>();
  for (const directory of directories) {
    const folder = resolve(directory);
    const info = await stat(folder).catch(() => undefined);
    if (info === undefined || !info.isDirectory()) {
      throw new Error(`migrations folder ${folder} does not exist`);
    }
    for (const name of (await readdir(folder)).filter((file) => file.endsWith('.sql'))) {
      const path = join(folder, name);
      const previous = byName.get(name);
      if (previous !== undefined) {
        throw new Error(`migration ${name} exists twice: ${previous.path} and ${path}; file names must be unique`);
      }
      const sql = await readFile(path, 'utf8');
      byName.set(name, { name, path, sql, checksum: createHash('sha256').update(sql).digest('hex') });
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Applies the migrations not applied yet and returns their names. Runs under a PostgreSQL advisory
 * lock per schema, so several instances starting at once apply each file exactly once; each file
 * runs in its own transaction and is recorded in `<schema>.schema_migrations`. A file changed after
 * it was applied is refused: history is fixed by adding a migration, never by editing one.
 */
export async function runMigrations(db: Database, opts: MigrationOptions): Promise<string[]> {
  assertSchemaName(opts.schema);
  const files = await loadMigrations(opts.directories);
  const table = `${opts.schema}.schema_migrations`;
  return db.withConnection(async (connection) => {
    await connection.query('SELECT pg_advisory_lock(hashtext($1))', [`edoc.migrations:${opts.schema}`]);
    try {
      await bootstrap(connection, opts.schema, table);
      const applied = await appliedChecksums(connection, table);
      const done: string[] = [];
      for (const file of files) {
        const checksum = applied.get(file.name);
        if (checksum === undefined) {
          await applyOne(connection, opts.schema, table, file);
          done.push(file.name);
        } else if (checksum !== file.checksum) {
          throw new Error(
            `migration ${file.name} was changed after it was applied to schema ${opts.schema}; ` +
              'restore it and add a new migration instead',
          );
        }
      }
      return done;
    } finally {
      await connection.query('SELECT pg_advisory_unlock(hashtext($1))', [`edoc.migrations:${opts.schema}`]);
    }
  });
}

async function bootstrap(connection: Queryable, schema: string, table: string): Promise<void> {
  await connection.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await connection.query(
    `CREATE TABLE IF NOT EXISTS ${table} (
       name       text PRIMARY KEY,
       checksum   text NOT NULL,
       applied_at timestamptz NOT NULL DEFAULT now()
     )`,
  );
}

async function appliedChecksums(connection: Queryable, table: string): Promise<Map<string, string>> {
  const { rows } = await connection.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM ${table}`);
  return new Map(rows.map((row) => [row.name, row.checksum]));
}

async function applyOne(connection: Queryable, schema: string, table: string, file: MigrationFile): Promise<void> {
  const sql = renderMigration(file.sql, schema);
  await connection.query('BEGIN');
  try {
    await connection.query(sql);
    await connection.query(`INSERT INTO ${table} (name, checksum) VALUES ($1, $2)`, [file.name, file.checksum]);
    await connection.query('COMMIT');
  } catch (error) {
    await connection.query('ROLLBACK').catch(() => undefined);
    throw new Error(`migration ${file.name} failed${lineOf(sql, error)}: ${errorMessage(error)}`);
  }
}

/** pg reports the failing character offset; a line number is what a person can act on. */
function lineOf(sql: string, error: unknown): string {
  const position = typeof error === 'object' && error !== null ? (error as { position?: unknown }).position : undefined;
  const offset = typeof position === 'string' ? Number(position) : NaN;
  if (!Number.isInteger(offset) || offset < 1) return '';
  return ` at line ${sql.slice(0, offset - 1).split('\n').length}`;
}
