-- A client that lost the answer to a submission (a dropped connection, a restart) sends it again
-- with the same Idempotency-Key and gets the first document back instead of a second one.
ALTER TABLE intake.documents ADD COLUMN idempotency_key text;
CREATE UNIQUE INDEX documents_idempotency_uq ON intake.documents (issuer_code, idempotency_key) WHERE idempotency_key IS NOT NULL;
