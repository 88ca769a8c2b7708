import { Injectable } from '@nestjs/common';
import { Database, type Queryable } from '@edoc/db';

export interface OutgoingMessage {
  messageId: string;
  kind: 'package' | 'status';
  documentId: string;
  deliveryId: string;
  toCode: string;
  edxmlDocumentId: string;
  body: Buffer;
}

export interface OutgoingView extends Omit<OutgoingMessage, 'body'> {
  state: 'pending' | 'sent' | 'dead';
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  remoteId: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** gateway.outgoing: what the gateway must post to the axis, and how far each one got. */
@Injectable()
export class OutgoingRepository {
  constructor(private readonly db: Database) {}

  /** False when the row is there already (the message came again). */
  async insert(tx: Queryable, m: OutgoingMessage): Promise<boolean> {
    const { rowCount } = await tx.query(
      `INSERT INTO gateway.outgoing (message_id, kind, document_id, delivery_id, to_code, edxml_document_id, body)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (message_id) DO NOTHING`,
      [m.messageId, m.kind, m.documentId, m.deliveryId, m.toCode, m.edxmlDocumentId, m.body],
    );
    return rowCount === 1;
  }

  /**
   * Takes the next due row for `leaseMs`: another instance skips it meanwhile, and should this one
   * die mid-post, the row falls due again when the lease ends (the axis knows the message id, so
   * a second post of the same message is no second message).
   */
  async lease(leaseMs: number): Promise<(OutgoingMessage & { attempts: number }) | undefined> {
    const { rows } = await this.db.query<{ message_id: string; kind: 'package' | 'status'; document_id: string; delivery_id: string; to_code: string; edxml_document_id: string; body: Buffer; attempts: number }>(
      `UPDATE gateway.outgoing SET next_attempt_at = now() + $1 * interval '1 millisecond', attempts = attempts + 1
       WHERE message_id = (SELECT message_id FROM gateway.outgoing o WHERE state = 'pending' AND next_attempt_at <= now()
                             AND NOT EXISTS (SELECT 1 FROM gateway.outgoing e WHERE e.delivery_id = o.delivery_id AND e.state = 'pending' AND e.created_at < o.created_at)
                           ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING message_id, kind, document_id, delivery_id, to_code, edxml_document_id, body, attempts`,
      [leaseMs],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return { messageId: row.message_id, kind: row.kind, documentId: row.document_id, deliveryId: row.delivery_id, toCode: row.to_code, edxmlDocumentId: row.edxml_document_id, body: row.body, attempts: row.attempts };
  }

  /** The edXML id under which a document left through the gateway, if it did. */
  async edxmlIdOf(documentId: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ edxml_document_id: string }>(`SELECT edxml_document_id FROM gateway.outgoing WHERE document_id = $1 AND kind = 'package' AND edxml_document_id <> '' LIMIT 1`, [documentId]);
    return rows[0]?.edxml_document_id;
  }

  async markSent(messageId: string, remoteId: string): Promise<void> {
    await this.db.query(`UPDATE gateway.outgoing SET state = 'sent', sent_at = now(), remote_id = $2, last_error = NULL WHERE message_id = $1 AND state = 'pending'`, [messageId, remoteId]);
  }

  async markRetry(messageId: string, nextAttemptAt: Date, reason: string): Promise<void> {
    await this.db.query(`UPDATE gateway.outgoing SET next_attempt_at = $2, last_error = $3 WHERE message_id = $1 AND state = 'pending'`, [messageId, nextAttemptAt, reason]);
  }

  async markDead(messageId: string, reason: string): Promise<void> {
    await this.db.query(`UPDATE gateway.outgoing SET state = 'dead', last_error = $2 WHERE message_id = $1 AND state = 'pending'`, [messageId, reason]);
  }

  /** A dead row posted again from its first attempt; false when there is no dead row of that id. */
  async revive(messageId: string): Promise<boolean> {
    const { rowCount } = await this.db.query(`UPDATE gateway.outgoing SET state = 'pending', attempts = 0, next_attempt_at = now() WHERE message_id = $1 AND state = 'dead'`, [messageId]);
    return rowCount === 1;
  }

  async list(filter: { state?: 'pending' | 'sent' | 'dead'; documentId?: string }, limit: number): Promise<OutgoingView[]> {
    const { rows } = await this.db.query<Record<string, unknown>>(
      `SELECT message_id, kind, document_id, delivery_id, to_code, edxml_document_id, state, attempts, next_attempt_at, last_error, remote_id, created_at, sent_at
       FROM gateway.outgoing WHERE ($1::text IS NULL OR state = $1) AND ($2::uuid IS NULL OR document_id = $2)
       ORDER BY created_at DESC LIMIT $3`,
      [filter.state ?? null, filter.documentId ?? null, limit],
    );
    return rows.map((r) => ({
      messageId: r.message_id as string,
      kind: r.kind as OutgoingView['kind'],
      documentId: r.document_id as string,
      deliveryId: r.delivery_id as string,
      toCode: r.to_code as string,
      edxmlDocumentId: r.edxml_document_id as string,
      state: r.state as OutgoingView['state'],
      attempts: r.attempts as number,
      nextAttemptAt: r.next_attempt_at as Date,
      lastError: r.last_error as string | null,
      remoteId: r.remote_id as string | null,
      createdAt: r.created_at as Date,
      sentAt: r.sent_at as Date | null,
    }));
  }
}
