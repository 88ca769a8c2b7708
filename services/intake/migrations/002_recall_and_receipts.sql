-- Recall (thu hồi) and replacement of issued documents, and the alerts of missing receipts.
ALTER TABLE intake.documents DROP CONSTRAINT documents_state_check;
ALTER TABLE intake.documents ADD CONSTRAINT documents_state_check CHECK (state IN ('submitted', 'person_signed', 'numbered', 'issued', 'failed', 'recalled'));
ALTER TABLE intake.documents ADD COLUMN recall_reason text;
ALTER TABLE intake.documents ADD COLUMN recalled_at timestamptz;

ALTER TABLE intake.deliveries ADD COLUMN receipt_overdue_at timestamptz;
ALTER TABLE intake.deliveries ADD COLUMN recipient_copy_destroyed_at timestamptz;
