-- DATA-2: a person deletes their own account. The account closes at once
-- (status 'deleted', no sign-in); after the retention window (ONB-10's
-- policy) the worker anonymises what is left and the status becomes
-- 'anonymised' for good.
ALTER TABLE users ADD COLUMN deleted_at BIGINT;
ALTER TABLE users ADD COLUMN purge_at BIGINT;
CREATE INDEX users_purge ON users(purge_at);
