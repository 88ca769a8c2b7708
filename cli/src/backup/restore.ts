import { execFile } from 'node:child_process';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import type { EdocConfig } from '@edoc/config';
import { createArchiveStore, createObjectStore, isObjectKey, normaliseArchiveName } from '@edoc/storage';
import { ensureDatabase } from '../provision/database';
import { sha256OfFile, type BackupManifest, type Progress } from './backup';

const run = promisify(execFile);

/** The schemas of edoc's services: a database holding any of them is not empty. */
const SCHEMAS = ['intake', 'signing', 'routing', 'archival', 'metrics', 'identity', 'gateway'];

/**
 * Loads a backup into an empty database and empty storage: each file is checked against the
 * manifest before it is written, the database dump against its digest, and at the end the audit
 * chain's head must be the one the backup recorded. Nothing is overwritten: a database with edoc's
 * schemas, or storage with objects, is refused before anything is written.
 */
export async function restore(config: EdocConfig, from: string, progress: Progress): Promise<{ files: number; archive: number; auditHead: BackupManifest['auditHead'] }> {
  const manifestFile = join(from, 'backup.json');
  if (!existsSync(manifestFile)) throw new Error(`${from} holds no backup (no backup.json)`);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as BackupManifest;
  } catch (error) {
    throw new Error(`${manifestFile} is not JSON: ${(error as Error).message}`);
  }
  if (manifest?.format !== 'edoc-backup-1') throw new Error(`${manifestFile}: unknown format ${String(manifest?.format)}`);
  if (!Array.isArray(manifest.files) || !Array.isArray(manifest.archive) || typeof manifest.database?.sha256 !== 'string' || typeof manifest.auditHead?.seq !== 'number') {
    throw new Error(`${manifestFile}: files, archive, database and auditHead are required`);
  }
  // backup.json names the files to read: a name that is not an object key or an archive name could read outside the backup.
  for (const file of manifest.files) if (!isObjectKey(file.key) || !/^[0-9a-f]{64}$/.test(file.sha256)) throw new Error(`${manifestFile}: "${file.key}" is not a file of a backup (sha256/<hex>)`);
  for (const object of manifest.archive) {
    try {
      normaliseArchiveName(object.name);
    } catch (error) {
      throw new Error(`${manifestFile}: archive object ${JSON.stringify(object.name)} cannot be restored: ${(error as Error).message}`);
    }
  }
  if (manifest.database.file !== 'database.dump') throw new Error(`${manifestFile}: the database file must be database.dump`);
  if ((await sha256OfFile(join(from, manifest.database.file))) !== manifest.database.sha256) throw new Error(`${manifest.database.file} does not match its digest in backup.json: the backup is damaged`);

  await ensureDatabase(config.databaseUrl);
  const fileStore = createObjectStore(config);
  const archiveStore = createArchiveStore(config);
  const db = new Client({ connectionString: config.databaseUrl });
  await db.connect();
  try {
    const present = (await db.query<{ schema_name: string }>('SELECT schema_name FROM information_schema.schemata WHERE schema_name = ANY($1)', [SCHEMAS])).rows.map((r) => r.schema_name);
    if (present.length > 0) throw new Error(`the database already holds edoc's schemas (${present.join(', ')}): restore into an empty database`);
    if ((await fileStore.list()).length > 0 || (await archiveStore.list()).length > 0) throw new Error('the object storage is not empty: restore into empty storage');

    progress(`database: restoring ${manifest.database.file}`);
    await run('pg_restore', ['--no-owner', '--exit-on-error', '--dbname', config.databaseUrl, join(from, manifest.database.file)], { maxBuffer: 16 * 1024 * 1024 });
    for (const [index, file] of manifest.files.entries()) {
      await fileStore.put(createReadStream(join(from, 'objects', 'files', file.key)), { expectedSha256: file.sha256 });
      if ((index + 1) % 100 === 0 || index + 1 === manifest.files.length) progress(`files: ${index + 1} of ${manifest.files.length}`);
    }
    for (const [index, object] of manifest.archive.entries()) {
      const path = join(from, 'objects', 'archive', object.name);
      if ((await sha256OfFile(path)) !== object.sha256) throw new Error(`archive object ${object.name} does not match its digest in backup.json: the backup is damaged`);
      // A retention already over restores as permanent: the archive never shortens a retention, and disposal is for people to decide.
      const retainUntil = object.retainUntil === null || new Date(object.retainUntil) <= new Date() ? {} : { retainUntil: new Date(object.retainUntil) };
      await archiveStore.putOnce(object.name, createReadStream(path), retainUntil);
      if ((index + 1) % 100 === 0 || index + 1 === manifest.archive.length) progress(`archive: ${index + 1} of ${manifest.archive.length}`);
    }
    const head = (await db.query<{ seq: string; hash: string }>('SELECT seq, hash FROM archival.audit_head WHERE id = 1')).rows[0];
    if (Number(head?.seq ?? 0) !== manifest.auditHead.seq || (head?.hash ?? '') !== manifest.auditHead.hash) {
      throw new Error(`the restored audit chain ends at ${head?.seq ?? 0}, the backup recorded ${manifest.auditHead.seq}: the restore is not whole`);
    }
    return { files: manifest.files.length, archive: manifest.archive.length, auditHead: manifest.auditHead };
  } finally {
    await db.end();
  }
}
