import { createHash } from 'node:crypto';

/**
 * The NOTIFY channel that wakes the relays of one schema's outbox. One channel per schema, not one
 * shared channel with the schema as payload: every service's relay listened on the shared one, so
 * each commit that wrote an event woke all of them, and all but one threw the notification away.
 * A schema name is a plain identifier (assertSchemaName), so the channel name is one too.
 */
export function outboxNotifyChannel(schema: string): string {
  const channel = `edoc_outbox_${schema}`;
  // PostgreSQL's names end at 63 bytes; a longer schema name (tests make such) gets a digest instead.
  return channel.length <= 63 ? channel : `edoc_outbox_${createHash('sha256').update(schema).digest('hex').slice(0, 40)}`;
}
