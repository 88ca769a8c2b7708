-- The sender posts a delivery's messages in the order they were recorded (a 03 never before its 01):
-- each lease looks for an earlier pending message of the same delivery, through this index.
CREATE INDEX outgoing_pending_delivery ON gateway.outgoing (delivery_id, created_at) WHERE state = 'pending';
