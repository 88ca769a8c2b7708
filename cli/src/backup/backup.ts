import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { Client } from 'pg';
import type { EdocConfig } from '@edoc/config';
import { createArchiveStore, createObjectStore, hashingPassThrough } from '@edoc/storage';

const run = promisify(execFile);

/** What a backup folder holds, in backup.json: enough to check it and restore it. */
export interface BackupManifest {
  format: 'edoc-backup-1';
  createdAt: string;
  database: { file: 'database.dump'; sha256: string };
  /** The audit chain's head in the database snapshot: a restore must end at the same entry. */
  auditHead: { seq: number; hash: string };
  /** Files by content (sha256/<hex>) and archive objects by name, each with its SHA-256. */
  files: { key: string; size: number; sha256: string }[];
  archive: { name: string; size: number; sha256: string; retainUntil: string | null }[];
}

export type Progress = (line: string) => void;

/**
 * A backup consistent with the audit chain: one database snapshot (pg_dump from a snapshot this
 * transaction exported, in which the audit head is read too), then every object, copied and hashed.
 * Objects never change once written and the database refers to them only after they are stored, so
 * the copies taken after the snapshot hold everything it refers to.
 */
export async function backup(config: EdocConfig, out: string, progress: Progress): Promise<BackupManifest> {
  if (existsSync(out) && readdirSync(out).length > 0) throw new Error(`${out} is not empty: a backup goes into a new folder`);
  mkdirSync(join(out, 'objects'), { recursive: true, mode: 0o700 });
  const db = new Client({ connectionString: config.databaseUrl });
  await db.connect();
  let auditHead: BackupManifest['auditHead'];
  let retention: Map<string, string | null>;
  try {
    await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshot = (await db.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0]!.id;
    const head = (await db.query<{ seq: string; hash: string }>('SELECT seq, hash FROM archival.audit_head WHERE id = 1')).rows[0];
    auditHead = { seq: Number(head?.seq ?? 0), hash: head?.hash ?? '' };
    const records = await db.query<{ name: string; retain_until: Date | null }>(`SELECT o->>'name' AS name, r.retain_until FROM archival.records r, jsonb_array_elements(r.objects) o`);
    retention = new Map(records.rows.map((row) => [row.name, row.retain_until === null ? null : row.retain_until.toISOString()]));
    progress(`database: dumping the snapshot (audit head ${auditHead.seq})`);
    await run('pg_dump', ['--format=custom', '--no-owner', `--snapshot=${snapshot}`, '--file', join(out, 'database.dump'), '--dbname', config.databaseUrl], { maxBuffer: 16 * 1024 * 1024 });
    await db.query('COMMIT');
  } finally {
    await db.end();
  }
  const databaseSha256 = await sha256OfFile(join(out, 'database.dump'));

  const files: BackupManifest['files'] = [];
  const fileStore = createObjectStore(config);
  const keys = await fileStore.list();
  for (const [index, key] of keys.entries()) {
    const copied = await copyOut(await fileStore.getStream(key), join(out, 'objects', 'files', key));
    if (`sha256/${copied.sha256}` !== key) throw new Error(`file ${key} does not hash to its name (${copied.sha256}): storage is damaged; run \`edoc audit verify\``);
    files.push({ key, ...copied });
    if ((index + 1) % 100 === 0 || index + 1 === keys.length) progress(`files: ${index + 1} of ${keys.length}`);
  }
  const archive: BackupManifest['archive'] = [];
  const archiveStore = createArchiveStore(config);
  const names = await archiveStore.list();
  for (const [index, name] of names.entries()) {
    const copied = await copyOut(await archiveStore.getStream(name), join(out, 'objects', 'archive', name));
    archive.push({ name, ...copied, retainUntil: retention.get(name) ?? null });
    if ((index + 1) % 100 === 0 || index + 1 === names.length) progress(`archive: ${index + 1} of ${names.length}`);
  }
  const manifest: BackupManifest = { format: 'edoc-backup-1', createdAt: new Date().toISOString(), database: { file: 'database.dump', sha256: databaseSha256 }, auditHead, files, archive };
  writeFileSync(join(out, 'backup.json'), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return manifest;
}

async function copyOut(source: NodeJS.ReadableStream, target: string): Promise<{ size: number; sha256: string }> {
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  const meter = hashingPassThrough();
  await pipeline(source, meter.stage, createWriteStream(target, { mode: 0o600 }));
  return meter.result();
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}
