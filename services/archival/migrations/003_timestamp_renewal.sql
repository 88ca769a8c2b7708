-- Archived documents outlive the certificates of the time-stamp authorities that stamped them. The
-- horizon is when the newest time-stamp of the document's current copy stops proving anything (its
-- TSA's certificate expires); a renewal (validation data and a new document time-stamp, a new
-- write-once copy) must come before it. NULL: not read yet (archived before this column existed).
ALTER TABLE archival.records
  ADD COLUMN timestamp_horizon  timestamptz,
  ADD COLUMN horizon_read       boolean NOT NULL DEFAULT false,
  ADD COLUMN renewals           integer NOT NULL DEFAULT 0,
  ADD COLUMN renewal_blocked    text;

CREATE INDEX records_timestamp_horizon ON archival.records (timestamp_horizon) WHERE timestamp_horizon IS NOT NULL;
