-- The axis gateway's own outbox and inbox towards the national document axis (HTTP), beside the
-- broker's: what it must post there, and what it took from there.

-- A package (one per delivery to an outside organ) or a status message to post. A row is written
-- in the transaction that takes its message from the queue, and posted until the axis accepts it;
-- after the last attempt it is dead, with the reason, until an administrator retries it.
CREATE TABLE gateway.outgoing (
  message_id        text PRIMARY KEY,
  kind              text NOT NULL CHECK (kind IN ('package', 'status')),
  document_id       uuid NOT NULL,
  delivery_id       uuid NOT NULL,
  to_code           text NOT NULL,
  edxml_document_id text NOT NULL,
  body              bytea NOT NULL,
  state             text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
  attempts          integer NOT NULL DEFAULT 0,
  next_attempt_at   timestamptz NOT NULL DEFAULT now(),
  last_error        text,
  remote_id         text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  sent_at           timestamptz
);
CREATE INDEX outgoing_due ON gateway.outgoing (next_attempt_at) WHERE state = 'pending';

-- What the axis gave: each of its messages once, and the same bytes under another id only once
-- (the axis may send a message twice, under one id or two).
CREATE TABLE gateway.incoming (
  remote_id   text PRIMARY KEY,
  kind        text NOT NULL CHECK (kind IN ('package', 'status')),
  sha256      text NOT NULL,
  size        bigint NOT NULL,
  state       text NOT NULL CHECK (state IN ('passed', 'duplicate', 'refused')),
  reason      text,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX incoming_once ON gateway.incoming (kind, sha256) WHERE state = 'passed';
