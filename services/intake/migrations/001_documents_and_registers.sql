-- The clerk's office: drafts and issued documents, the registers (sổ đăng ký) of every
-- organisation, and each delivery as the sender and the built-in recipient see it.

CREATE TABLE intake.documents (
  document_id     uuid PRIMARY KEY,
  issuer_code     text NOT NULL,
  type_code       text NOT NULL,
  subject         text NOT NULL CHECK (char_length(subject) BETWEEN 1 AND 500),
  legal_normative boolean NOT NULL DEFAULT false,
  state           text NOT NULL CHECK (state IN ('submitted', 'person_signed', 'numbered', 'issued', 'failed')),
  metadata        jsonb NOT NULL,
  main_file       jsonb NOT NULL,
  attachments     jsonb NOT NULL DEFAULT '[]',
  submitted_by    text NOT NULL,
  submitted_at    timestamptz NOT NULL,
  number          integer,
  notation        text,
  issued_date     date,
  issued_file     jsonb,
  issued_attachments jsonb,
  issued_at       timestamptz,
  failure_stage   text,
  failure_reason  text,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_issuer_idx ON intake.documents (issuer_code, submitted_at DESC);

-- One row per organisation, book, year and series: the last number given. Taking a number
-- locks this row inside the transaction that writes the register entry, so numbers are
-- unique and a rolled-back transaction leaves no gap.
CREATE TABLE intake.register_counters (
  org_code    text NOT NULL,
  book        text NOT NULL CHECK (book IN ('outgoing', 'incoming')),
  year        integer NOT NULL,
  series      text NOT NULL CHECK (series IN ('normal', 'legal')),
  last_number integer NOT NULL,
  PRIMARY KEY (org_code, book, year, series)
);

CREATE TABLE intake.register_entries (
  entry_id        uuid PRIMARY KEY,
  org_code        text NOT NULL,
  book            text NOT NULL CHECK (book IN ('outgoing', 'incoming')),
  year            integer NOT NULL,
  series          text NOT NULL CHECK (series IN ('normal', 'legal')),
  number          integer NOT NULL CHECK (number > 0),
  medium          text NOT NULL CHECK (medium IN ('electronic', 'paper', 'both')),
  document_id     uuid,
  delivery_id     uuid,
  number_notation text NOT NULL,
  document_date   date,
  type_code       text NOT NULL,
  subject         text NOT NULL,
  counterpart     text NOT NULL DEFAULT '',
  signer          text NOT NULL DEFAULT '',
  handler         text NOT NULL DEFAULT '',
  due_date        date,
  copies          integer,
  notes           text NOT NULL DEFAULT '',
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_code, book, year, series, number)
);
-- Decree 30: number + notation + issuer is unique within a year.
CREATE UNIQUE INDEX register_outgoing_notation_uq ON intake.register_entries (org_code, year, number_notation) WHERE book = 'outgoing';
CREATE UNIQUE INDEX register_incoming_delivery_uq ON intake.register_entries (delivery_id) WHERE delivery_id IS NOT NULL;
CREATE INDEX register_entries_list_idx ON intake.register_entries (org_code, book, year, number);

CREATE TABLE intake.deliveries (
  delivery_id     uuid PRIMARY KEY,
  document_id     uuid NOT NULL,
  sender_code     text NOT NULL,
  recipient_code  text NOT NULL,
  channel         text NOT NULL DEFAULT 'unknown',
  status          smallint,
  recall_pending  boolean NOT NULL DEFAULT false,
  status_sequence bigint NOT NULL DEFAULT 0,
  metadata        jsonb,
  file            jsonb,
  attachments     jsonb,
  arrived_at      timestamptz,
  incoming_entry_id uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deliveries_document_idx ON intake.deliveries (document_id);
CREATE INDEX deliveries_recipient_idx ON intake.deliveries (recipient_code, arrived_at DESC);

CREATE TABLE intake.status_history (
  id          bigserial PRIMARY KEY,
  delivery_id uuid NOT NULL,
  status      smallint NOT NULL,
  reason      text NOT NULL DEFAULT '',
  reported_by text NOT NULL,
  occurred_at timestamptz NOT NULL,
  UNIQUE (delivery_id, status, occurred_at)
);
