-- Staff security (issue 12): a second factor (TOTP, RFC 6238) with
-- recovery codes, the short-lived challenge between the password and the
-- code at sign-in, and what a session knows of its checks.

-- One authenticator per person. secret is the base32 TOTP key (it cannot
-- be hashed: the server computes codes from it); confirmed_at is NULL while
-- an enrolment waits for its first code; last_step is the newest time step
-- whose code was accepted, so each code is good once.
CREATE TABLE second_factors (
  user_id INTEGER PRIMARY KEY REFERENCES users(id),
  secret TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  confirmed_at INTEGER,
  last_step INTEGER NOT NULL DEFAULT 0
);

-- Single-use recovery codes, SHA-256 of the normalised code only.
CREATE TABLE recovery_codes (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  code_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

-- The password was right, the code is still to come: the challenge the
-- second call of POST /v1/sessions names (SHA-256 of the token only).
CREATE TABLE signin_challenges (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX signin_challenges_created ON signin_challenges(created_at);

-- enrol_only = 1: a staff member who must have a second factor and has
-- none yet; the session reaches enrolment only. verified_at: the last time
-- the person proved who they are (password or code) in this session, for
-- step-up on sensitive actions.
ALTER TABLE sessions ADD COLUMN enrol_only INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN verified_at INTEGER;
