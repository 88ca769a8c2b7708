-- External signing (the signer's own USB token): edoc prepares the signature field and the signed
-- attributes, the signer's client signs them on the token, edoc checks and embeds the signature.
ALTER TABLE signing.jobs ADD COLUMN prepared jsonb;

-- Since when a job waits for the HSM (its key or seal did not answer): the retry takes only these.
ALTER TABLE signing.jobs ADD COLUMN hsm_wait_since timestamptz;
