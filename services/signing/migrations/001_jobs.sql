-- A document between submission and issue: what signing needs to apply the organisation's
-- signature once the register has given the number.
CREATE TABLE signing.jobs (
  document_id        uuid PRIMARY KEY,
  issuer_code        text NOT NULL,
  metadata           jsonb NOT NULL,
  main_file          jsonb NOT NULL,
  attachments        jsonb NOT NULL DEFAULT '[]',
  person_signed_file jsonb,
  issued_file        jsonb,
  state              text NOT NULL CHECK (state IN ('person_signed', 'issued', 'failed')),
  failure_reason     text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
