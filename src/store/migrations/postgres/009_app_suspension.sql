-- AUTH-5, GOV-7: the operator's emergency stop. A suspended app remembers
-- the state to restore when the suspension is lifted, and why and when it
-- was suspended (the measure names a rule id, GOV-6). NULL when not
-- suspended.
ALTER TABLE apps ADD COLUMN suspended_from TEXT;
ALTER TABLE apps ADD COLUMN suspension_reason TEXT;
ALTER TABLE apps ADD COLUMN suspension_rule TEXT;
ALTER TABLE apps ADD COLUMN suspended_at BIGINT;
