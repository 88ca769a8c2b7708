/** The NOTIFY channel the outbox signals on; the payload is the schema that has a new row. */
export const OUTBOX_NOTIFY_CHANNEL = 'edoc_outbox';
