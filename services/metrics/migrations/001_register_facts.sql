-- One fact per register entry of any organisation, electronic or paper: the ground the
-- coverage figures are computed from.
CREATE TABLE metrics.register_facts (
  entry_id    uuid PRIMARY KEY,
  org_code    text NOT NULL,
  book        text NOT NULL CHECK (book IN ('outgoing', 'incoming')),
  medium      text NOT NULL CHECK (medium IN ('electronic', 'paper', 'both')),
  routine     boolean NOT NULL DEFAULT true,
  document_id uuid,
  type_code   text NOT NULL,
  due_date    date,
  recorded_at timestamptz NOT NULL,
  local_date  date NOT NULL
);
CREATE INDEX register_facts_org_date_idx ON metrics.register_facts (org_code, local_date);

CREATE TABLE metrics.documents_issued (
  document_id uuid PRIMARY KEY,
  issuer_code text NOT NULL,
  recipients  integer NOT NULL,
  issued_at   timestamptz NOT NULL
);
