-- Issue 9 defect 7: the audit chain is keyed and the table append-only.
-- mac_version 0: a row of the old unkeyed chain (hash = SHA-256 of
-- prev_hash|at|actor|action|subject|digest); 1: hash is HMAC-SHA-256 with
-- the key in DATA_DIR/audit.key over the row id and fields (store/audit.c).
-- Old rows stay as they are; the first keyed row commits to their head.
ALTER TABLE audit_log ADD COLUMN mac_version BIGINT NOT NULL DEFAULT 0;

-- Nothing may change or remove a row: no audit retention exists, so there
-- is no exception. (An attacker with the database can drop these; the key
-- and the anchor outside the database are what `kaifang audit verify`
-- relies on.)
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'audit_log is append-only: rows cannot be changed';
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: rows cannot be deleted';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
