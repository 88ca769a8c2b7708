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

-- Recall packages, by the SHA-256 of the package: the axis may send one twice, and after a
-- recipient refused (16) a second copy must not ask it again.
CREATE TABLE intake.edxml_recalls (
  package_sha256     text        PRIMARY KEY,
  organ_id           text        NOT NULL,
  edxml_document_id  text        NOT NULL,
  document_id        uuid        NOT NULL,
  imported_by        text        NOT NULL,
  imported_at        timestamptz NOT NULL DEFAULT now()
);
