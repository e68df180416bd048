-- GOV-6, GOV-7: lifting a provider's ban puts it back where the ban found
-- it, and lifts the app suspensions that came with the ban (and only
-- those). A banned provider remembers the state it was banned in and when;
-- NULL when not banned (and for bans made before this migration).
ALTER TABLE orgs ADD COLUMN banned_from TEXT;
ALTER TABLE orgs ADD COLUMN banned_at INTEGER;

-- An app's page reads its history from the audit log by subject ("app:kf…",
-- "review:N"): without an index every page would read the whole log.
CREATE INDEX audit_log_subject ON audit_log(subject, id);
