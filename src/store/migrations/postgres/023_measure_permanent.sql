-- GOV-5's third plug-in offence: a delisting for good. When it starts the
-- app's authorizations are revoked and its data deleted (DATA-3); an
-- operator may still lift it, but nothing ends it by time.
ALTER TABLE measures ADD COLUMN permanent INTEGER NOT NULL DEFAULT 0;
