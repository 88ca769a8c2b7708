-- Routing owns every delivery and its status: one row per (document, recipient).

CREATE TABLE routing.documents (
  document_id  uuid PRIMARY KEY,
  sender_code  text NOT NULL,
  metadata     jsonb NOT NULL,
  file         jsonb NOT NULL,
  attachments  jsonb NOT NULL DEFAULT '[]',
  priority     smallint NOT NULL DEFAULT 0,
  issued_at    timestamptz NOT NULL
);

CREATE TABLE routing.deliveries (
  delivery_id    uuid PRIMARY KEY,
  document_id    uuid NOT NULL REFERENCES routing.documents (document_id),
  recipient_code text NOT NULL,
  channel        text NOT NULL CHECK (channel IN ('builtin', 'queue')),
  status         smallint,
  recall_from    smallint,
  recall_pending boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (document_id, recipient_code)
);

CREATE TABLE routing.status_history (
  id          bigserial PRIMARY KEY,
  delivery_id uuid NOT NULL REFERENCES routing.deliveries (delivery_id),
  status      smallint NOT NULL,
  reason      text NOT NULL DEFAULT '',
  reported_by text NOT NULL,
  occurred_at timestamptz NOT NULL
);
CREATE INDEX status_history_delivery_idx ON routing.status_history (delivery_id, id);
