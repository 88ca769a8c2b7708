-- Documents registered from edXML packages of the national axis. One per (organ, DocumentId): the
-- axis may send a package twice, and the second must register nothing. The files column keeps the
-- stored objects referenced (the orphan sweeper spares them) until the recipients' copies do.
CREATE TABLE intake.edxml_imports (
  organ_id           text        NOT NULL,
  edxml_document_id  text        NOT NULL,
  document_id        uuid        NOT NULL UNIQUE,
  package_sha256     text        NOT NULL,
  signer_subject     text        NOT NULL,
  recipient_codes    text[]      NOT NULL,
  files              jsonb       NOT NULL,
  imported_by        text        NOT NULL,
  imported_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organ_id, edxml_document_id)
);
