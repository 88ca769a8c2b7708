-- A submission stores its files before the transaction that records the document. Each object it
-- is about to store is noted here first, and the note goes in that same transaction: a note left
-- behind names an object that no document may reference (the submission failed after storing), and
-- the sweeper deletes the object once nothing references it and no newer note names it.
CREATE TABLE intake.staged_objects (
  id          bigserial PRIMARY KEY,
  object_key  text NOT NULL,
  staged_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staged_objects_key_idx ON intake.staged_objects (object_key);
CREATE INDEX staged_objects_age_idx ON intake.staged_objects (staged_at);

-- What a request with an Idempotency-Key carried (its metadata and the SHA-256 of its files): the
-- same key with another request is refused instead of answered with the first document.
ALTER TABLE intake.documents ADD COLUMN request_sha256 text;

-- What intake changed or noticed in a submission's files at the door (active content removed under
-- the 'strip' policy, damaged cross-reference data that signing repairs), shown with the document.
ALTER TABLE intake.documents ADD COLUMN preflight_notes text[] NOT NULL DEFAULT '{}';
