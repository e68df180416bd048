-- Announcements on the console and the landing page (NOTE-1, issue 12): a
-- web notice everyone sees, alongside the inbox message and the mail. A
-- new agreement version posts one (kind 'agreement', naming the version)
-- when it is published; administrators post and withdraw general ones.
-- Shown from published_at until ends_at (NULL: until withdrawn).
CREATE TABLE announcements (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL DEFAULT 'general',  -- general | agreement
  title_zh TEXT NOT NULL,
  title_en TEXT NOT NULL,
  body_zh TEXT NOT NULL DEFAULT '',
  body_en TEXT NOT NULL DEFAULT '',
  agreement_key TEXT,                    -- kind 'agreement': the version announced
  agreement_version INTEGER,
  published_at INTEGER NOT NULL,
  ends_at INTEGER,
  withdrawn_at INTEGER,
  published_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX announcements_published ON announcements(published_at);
CREATE UNIQUE INDEX announcements_agreement ON announcements(agreement_key, agreement_version);
