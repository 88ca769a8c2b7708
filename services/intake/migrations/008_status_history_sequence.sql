-- The routing sequence of each status in a delivery's history. A history listed by its times alone
-- can put an effect before its cause: edXML status times (the national axis) have whole seconds, so
-- an organ's answer stamped within the second of a status recorded here with milliseconds sorted
-- before it. The sequence is the order routing accepted them in. Rows from before it have none and
-- list first, in time order, as they did.
ALTER TABLE intake.status_history ADD COLUMN sequence bigint;
