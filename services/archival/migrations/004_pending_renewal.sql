-- A renewed copy is written to the write-once store before the record can list it, and a write-once
-- object cannot be taken back. The copy about to be written is named here first, so that when the
-- record's update fails the next pass finds that copy and lists it, instead of time-stamping again
-- and leaving the first copy behind, unlisted, for the whole retention period.
ALTER TABLE archival.records ADD COLUMN renewal_pending jsonb;
