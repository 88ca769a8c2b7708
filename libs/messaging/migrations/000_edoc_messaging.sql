-- Transactional outbox and inbox of @edoc/messaging, created in each service's own schema
-- (":schema" is replaced by runMigrations).

-- A row is written in the same transaction as the state change it announces; the relay publishes
-- it with a broker confirm and only then sets sent_at.
CREATE TABLE :schema.outbox (
  seq          bigserial PRIMARY KEY,
  message_id   uuid NOT NULL UNIQUE,
  exchange     text NOT NULL,
  routing_key  text NOT NULL,
  message_type text NOT NULL,
  body         bytea NOT NULL,
  headers      jsonb NOT NULL DEFAULT '{}',
  priority     smallint,
  created_at   timestamptz NOT NULL DEFAULT now(),
  attempts     integer NOT NULL DEFAULT 0,
  last_error   text,
  -- published, or dead-lettered as unroutable (outcome says which)
  sent_at      timestamptz,
  outcome      text CHECK (outcome IN ('published', 'dead_lettered')),
  -- could be neither published nor dead-lettered; kept for an operator, not retried
  failed_at    timestamptz
);

CREATE INDEX outbox_pending ON :schema.outbox (seq) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_sent_at ON :schema.outbox (sent_at) WHERE sent_at IS NOT NULL;

-- One row per message a consumer has applied, written in the same transaction as the effect:
-- a redelivered message finds its row and changes nothing.
CREATE TABLE :schema.inbox (
  message_id  text NOT NULL,
  consumer    text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (message_id, consumer)
);

CREATE INDEX inbox_received_at ON :schema.inbox (received_at);
