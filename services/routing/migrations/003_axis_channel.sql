-- Deliveries to organs outside the exchange leave through the axis gateway (channel "axis").
ALTER TABLE routing.deliveries DROP CONSTRAINT deliveries_channel_check;
ALTER TABLE routing.deliveries ADD CONSTRAINT deliveries_channel_check CHECK (channel IN ('builtin', 'queue', 'axis'));
