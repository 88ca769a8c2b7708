-- One archive record per issued document: where its write-once copies are and until when they are kept.
CREATE TABLE archival.records (
  document_id     uuid PRIMARY KEY,
  issuer_code     text NOT NULL,
  edxml_document_id text NOT NULL,
  retention_class text NOT NULL,
  retain_until    timestamptz,
  objects         jsonb NOT NULL,
  lock_mode       text NOT NULL,
  archived_at     timestamptz NOT NULL DEFAULT now()
);
