-- What the dashboard needs beyond 001: the register year (a rebuild replaces whole years), what the
-- drill-down lists about a paper document, and one row per delivery for the timeliness figures.
ALTER TABLE metrics.register_facts
  ADD COLUMN year        integer,
  ADD COLUMN number      integer,
  ADD COLUMN subject     text NOT NULL DEFAULT '',
  ADD COLUMN counterpart text NOT NULL DEFAULT '';
UPDATE metrics.register_facts SET year = extract(year FROM local_date)::integer WHERE year IS NULL;
ALTER TABLE metrics.register_facts ALTER COLUMN year SET NOT NULL;
CREATE INDEX register_facts_date_idx ON metrics.register_facts (local_date);
CREATE INDEX register_facts_year_idx ON metrics.register_facts (year);

-- One row per delivery (one document to one recipient), filled from delivery.created and
-- delivery.status_changed in whatever order they arrive: the earliest receipt and completion win.
CREATE TABLE metrics.delivery_facts (
  delivery_id      uuid PRIMARY KEY,
  document_id      uuid,
  sender_code      text,
  recipient_code   text NOT NULL,
  channel          text,
  created_at       timestamptz,
  -- Vietnam day of created_at: the day the receipt must be confirmed.
  created_date     date,
  due_date         date,
  -- Earliest 01 or 03 reported by the recipient.
  first_receipt_at timestamptz,
  -- Earliest 06 reported by the recipient.
  completed_at     timestamptz,
  last_status      smallint,
  last_sequence    bigint NOT NULL DEFAULT 0
);
CREATE INDEX delivery_facts_created_idx ON metrics.delivery_facts (created_date);
CREATE INDEX delivery_facts_due_idx ON metrics.delivery_facts (due_date) WHERE due_date IS NOT NULL;
