-- When each delivery must have its 01, and whether the missing confirmation was already raised.
ALTER TABLE routing.deliveries ADD COLUMN receipt_deadline timestamptz;
ALTER TABLE routing.deliveries ADD COLUMN receipt_alerted_at timestamptz;
CREATE INDEX deliveries_receipt_watch_idx ON routing.deliveries (receipt_deadline) WHERE status IS NULL AND receipt_alerted_at IS NULL;
