-- When a delivery's facts last changed by event: a rebuild replaces only facts older than the
-- moment it started reading intake's deliveries, and merges with those that changed since.
ALTER TABLE metrics.delivery_facts ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
