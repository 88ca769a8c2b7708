import { Injectable } from '@nestjs/common';
import { Database, type Queryable } from '@edoc/db';

/** The notes of objects a submission is about to store (see migration 004) and what references an object. */
@Injectable()
export class StagedObjectsRepository {
  constructor(private readonly db: Database) {}

  /**
   * Notes each key before its object is written, under the key's lock, so that a sweep deciding on
   * the same key sees the note (and spares the object) or finishes first (and the write makes it again).
   */
  async note(keys: readonly string[]): Promise<string[]> {
    return this.db.transaction(async (tx) => {
      const ids: string[] = [];
      for (const key of [...new Set(keys)].sort()) {
        await lockKey(tx, key);
        const { rows } = await tx.query<{ id: string }>('INSERT INTO intake.staged_objects (object_key) VALUES ($1) RETURNING id', [key]);
        ids.push(rows[0]!.id);
      }
      return ids;
    });
  }

  /** Drops the notes of a submission in the transaction that records it: its objects are referenced now. */
  async clear(tx: Queryable, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await tx.query('DELETE FROM intake.staged_objects WHERE id = ANY($1::bigint[])', [ids]);
  }

  /** Keys whose notes are all older than `graceSeconds`: what a failed submission may have left behind. */
  async stale(graceSeconds: number, limit = 100): Promise<string[]> {
    const { rows } = await this.db.query<{ object_key: string }>(
      `SELECT object_key FROM intake.staged_objects GROUP BY object_key HAVING max(staged_at) < now() - make_interval(secs => $1) ORDER BY min(staged_at) LIMIT $2`,
      [graceSeconds, limit],
    );
    return rows.map((row) => row.object_key);
  }

  /**
   * Runs `decide` for `key` under its lock, in one transaction: whether the key is still stale and
   * referenced by nothing intake knows (a document's files, a delivery's). `decide` deletes the object
   * when it is not; the notes go either way.
   */
  async settle(key: string, graceSeconds: number, deleteObject: () => Promise<void>): Promise<'deleted' | 'kept' | 'fresh'> {
    return this.db.transaction(async (tx) => {
      await lockKey(tx, key);
      const { rows: fresh } = await tx.query('SELECT 1 FROM intake.staged_objects WHERE object_key = $1 AND staged_at >= now() - make_interval(secs => $2) LIMIT 1', [key, graceSeconds]);
      if (fresh.length > 0) return 'fresh';
      const referenced = await isReferenced(tx, key);
      if (!referenced) await deleteObject();
      await tx.query('DELETE FROM intake.staged_objects WHERE object_key = $1', [key]);
      return referenced ? 'kept' : 'deleted';
    });
  }
}

async function lockKey(tx: Queryable, key: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`intake.object:${key}`]);
}

const FILE_REFERENCES = `
  SELECT 1 FROM intake.documents
   WHERE main_file->>'objectKey' = $1 OR issued_file->>'objectKey' = $1
      OR attachments @> jsonb_build_array(jsonb_build_object('objectKey', $1::text))
      OR issued_attachments @> jsonb_build_array(jsonb_build_object('objectKey', $1::text))
  UNION ALL
  SELECT 1 FROM intake.deliveries
   WHERE file->>'objectKey' = $1 OR attachments @> jsonb_build_array(jsonb_build_object('objectKey', $1::text))
  UNION ALL
  SELECT 1 FROM intake.edxml_imports WHERE files @> jsonb_build_array(jsonb_build_object('objectKey', $1::text))
  LIMIT 1`;

async function isReferenced(tx: Queryable, key: string): Promise<boolean> {
  const { rows } = await tx.query(FILE_REFERENCES, [key]);
  return rows.length > 0;
}
