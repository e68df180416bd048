-- Sessions a person can list and end: when each was last used and from
-- which client, beside the address it was created from.
ALTER TABLE sessions ADD COLUMN last_used_at BIGINT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;

-- login_failures now also holds the counters of the other attempt limits
-- (failed client authentication, registrations, verification mails,
-- pre-auth codes); the worker deletes those whose window is over.
CREATE INDEX login_failures_window ON login_failures(window_start);
