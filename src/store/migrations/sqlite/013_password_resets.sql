-- Account journeys by mailed link (issue 11): password resets, email
-- verification by link, the language an account's mail is written in, and
-- the app an inbox notice is about.
-- Only SHA-256 digests of the link tokens are stored.
CREATE TABLE password_resets (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX password_resets_user ON password_resets(user_id);
CREATE INDEX password_resets_created ON password_resets(created_at);

-- the link token mailed next to the verification code (NULL for codes sent
-- before this migration)
ALTER TABLE email_codes ADD COLUMN link_hash TEXT;
CREATE UNIQUE INDEX email_codes_link ON email_codes(link_hash);

-- the public id of the app an inbox notice is about (NULL: none), so the
-- inbox names apps as the API does
ALTER TABLE notifications ADD COLUMN app_id TEXT;

-- 'zh' | 'en': the language of the account's mail and console
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
