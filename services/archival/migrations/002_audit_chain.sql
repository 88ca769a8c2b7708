-- The tamper-evident audit trail: one hash-linked entry per lifecycle event, system-wide and per document.
-- `body` is the exact canonical JSON that was hashed; the other columns repeat parts of it for queries and
-- are checked against it by `edoc audit verify`.
CREATE TABLE archival.audit_entries (
  seq           bigint PRIMARY KEY,
  hash          text NOT NULL,
  prev_hash     text NOT NULL,
  event_type    text NOT NULL,
  message_id    text NOT NULL,
  document_id   text,
  doc_seq       integer,
  org_codes     text[] NOT NULL,
  occurred_at   timestamptz NOT NULL,
  recorded_at   timestamptz NOT NULL,
  body          text NOT NULL
);
CREATE INDEX audit_entries_document ON archival.audit_entries (document_id, doc_seq) WHERE document_id IS NOT NULL;
CREATE INDEX audit_entries_orgs ON archival.audit_entries USING gin (org_codes);

-- Append-only: the service never changes or removes an entry. This stops mistakes, not a database
-- owner, who can drop the trigger; against them the hashes and signed checkpoints are the evidence.
CREATE FUNCTION archival.refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'archival.% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$;
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON archival.audit_entries
  FOR EACH ROW EXECUTE FUNCTION archival.refuse_audit_change();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON archival.audit_entries
  FOR EACH STATEMENT EXECUTE FUNCTION archival.refuse_audit_change();

-- The head of the system chain: its row lock serialises appends across archival instances.
CREATE TABLE archival.audit_head (
  id    integer PRIMARY KEY CHECK (id = 1),
  seq   bigint NOT NULL,
  hash  text NOT NULL
);
INSERT INTO archival.audit_head (id, seq, hash) VALUES (1, 0, repeat('0', 64));

-- The head of each document's chain.
CREATE TABLE archival.audit_document_heads (
  document_id text PRIMARY KEY,
  doc_seq     integer NOT NULL,
  hash        text NOT NULL
);

-- Signed, time-stamped checkpoints; each also goes write-once into the archive (worm_stored).
CREATE TABLE archival.audit_checkpoints (
  number       integer PRIMARY KEY,
  first_seq    bigint NOT NULL,
  last_seq     bigint NOT NULL,
  body         text NOT NULL,
  signature    bytea NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  worm_stored  boolean NOT NULL DEFAULT false
);

ALTER TABLE archival.records
  ADD COLUMN issued_at timestamptz,
  ADD COLUMN issued_date date,
  ADD COLUMN verification_valid boolean,
  ADD COLUMN disposal_listed_at timestamptz;
CREATE INDEX records_issuer_date ON archival.records (issuer_code, issued_date);
CREATE INDEX records_retain_until ON archival.records (retain_until) WHERE retain_until IS NOT NULL;
