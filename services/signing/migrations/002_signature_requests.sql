-- The signer acts: a submission waits as a signature request until the signer named in it approves
-- (then the person's signature is applied) or returns it to the drafting clerk with a comment.
ALTER TABLE signing.jobs DROP CONSTRAINT jobs_state_check;
ALTER TABLE signing.jobs ADD CONSTRAINT jobs_state_check
  CHECK (state IN ('awaiting_signature', 'approved', 'returned', 'person_signed', 'issued', 'failed'));
ALTER TABLE signing.jobs
  ADD COLUMN signer_username text,
  ADD COLUMN submitted_by    text,
  ADD COLUMN requested_at    timestamptz,
  ADD COLUMN approval        jsonb,
  ADD COLUMN returned_by     text,
  ADD COLUMN return_comment  text,
  ADD COLUMN returned_at     timestamptz;
UPDATE signing.jobs SET signer_username = metadata #>> '{signer,userId}', requested_at = created_at WHERE signer_username IS NULL;
CREATE INDEX jobs_waiting_by_signer ON signing.jobs (signer_username, requested_at) WHERE state = 'awaiting_signature';
CREATE INDEX jobs_by_issuer ON signing.jobs (issuer_code, requested_at DESC);
