-- A submission waits for its signer: 'awaiting_signature' until approved, 'returned' when the
-- signer sends it back with a comment; a revision names the returned document it replaces.
ALTER TABLE intake.documents DROP CONSTRAINT documents_state_check;
UPDATE intake.documents SET state = 'awaiting_signature' WHERE state = 'submitted';
ALTER TABLE intake.documents ADD CONSTRAINT documents_state_check
  CHECK (state IN ('awaiting_signature', 'returned', 'person_signed', 'numbered', 'issued', 'failed', 'recalled'));
ALTER TABLE intake.documents
  ADD COLUMN returned_by    text,
  ADD COLUMN return_comment text,
  ADD COLUMN returned_at    timestamptz,
  ADD COLUMN revises        uuid REFERENCES intake.documents (document_id),
  ADD COLUMN revised_by     uuid REFERENCES intake.documents (document_id);
CREATE UNIQUE INDEX documents_one_revision ON intake.documents (revises) WHERE revises IS NOT NULL;
